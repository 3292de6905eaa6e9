package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestAdminDirectoryFiltersSortAndPages(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		gold, err := e.app.CreateTier(e.ctx, e.admin, ally.TierFields{Name: uiPtr("Gold")})
		if err != nil {
			t.Fatal(err)
		}
		grow, err := e.app.CreatePhase(e.ctx, e.admin, ally.PhaseFields{Name: uiPtr("Grow")})
		if err != nil {
			t.Fatal(err)
		}
		ana := e.user("ana@vendor.example", ally.RoleManager)
		active, dormant := ally.StatusActive, ally.StatusDormant
		e.partner(ally.PartnerFields{Name: uiPtr("Delta Resellers"), Domain: uiPtr("delta.example"), Status: &active,
			TierID: &gold.ID, Categories: &[]string{"Reseller", "EMEA"}, OwnerID: &ana.ID})
		e.partner(ally.PartnerFields{Name: uiPtr("alpha Distribution"), Status: &dormant, PhaseID: &grow.ID})
		e.partner(ally.PartnerFields{Name: uiPtr("Charlie Tech"), Domain: uiPtr("charlie.example"), Status: &active, Categories: &[]string{"Technology"}})
		bravo := e.partner(ally.PartnerFields{Name: uiPtr("Bravo Referrals"), PhaseID: &grow.ID, TierID: &gold.ID})
		if err := e.touch(bravo); err != nil {
			t.Fatal(err)
		}
		b := e.signIn("admin@vendor.example")

		all := b.get("/admin/partners")
		wantUI(t, all, http.StatusOK, `href="/admin/partners/new"`, "Delta Resellers", "delta.example", `<span class="badge dormant">dormant</span>`,
			"Gold", "Name of ana@vendor.example", "Reseller, EMEA", `<option value="`+gold.ID+`">Gold</option>`)
		if !uiOrder(all.body, "Delta Resellers", "alpha Distribution", "Charlie Tech", "Bravo Referrals") {
			t.Fatalf("default order is not oldest first: %s", all.body)
		}

		cases := []struct {
			query    string
			want     []string // in this order
			excluded []string
		}{
			{"q=CHARLIE", []string{"Charlie Tech"}, []string{"Delta Resellers", "Bravo Referrals"}},
			{"q=delta.ex", []string{"Delta Resellers"}, []string{"Charlie Tech"}},
			{"status=active", []string{"Delta Resellers", "Charlie Tech"}, []string{"alpha Distribution", "Bravo Referrals"}},
			{"tier=" + gold.ID, []string{"Delta Resellers", "Bravo Referrals"}, []string{"Charlie Tech"}},
			{"phase=" + grow.ID, []string{"alpha Distribution", "Bravo Referrals"}, []string{"Delta Resellers"}},
			{"category=Technology", []string{"Charlie Tech"}, []string{"Delta Resellers"}},
			{"owner=" + ana.ID, []string{"Delta Resellers"}, []string{"Charlie Tech"}},
			{"status=active&tier=" + gold.ID, []string{"Delta Resellers"}, []string{"Charlie Tech", "Bravo Referrals"}},
			{"sort=name", []string{"alpha Distribution", "Bravo Referrals", "Charlie Tech", "Delta Resellers"}, nil},
			{"sort=updated", []string{"Bravo Referrals", "Charlie Tech", "alpha Distribution", "Delta Resellers"}, nil},
		}
		for _, c := range cases {
			pg := b.get("/admin/partners?" + c.query)
			wantUI(t, pg, http.StatusOK)
			if !uiOrder(pg.body, c.want...) {
				t.Errorf("%s: want %q in order in: %s", c.query, c.want, pg.body)
			}
			for _, x := range c.excluded {
				if uiOrder(pg.body, x) {
					t.Errorf("%s: %q listed", c.query, x)
				}
			}
		}
		// The filter form keeps its values, so the list can be refined and bookmarked.
		wantUI(t, b.get("/admin/partners?q=del&status=active&sort=name"), http.StatusOK, `value="del"`, `<option value="active" selected>`, `<option value="name" selected>`)

		// Pages of two by name; the next link carries the filters and the cursor.
		pg := b.get("/admin/partners?sort=name&limit=2")
		if !uiOrder(pg.body, "alpha Distribution", "Bravo Referrals") || uiOrder(pg.body, "Charlie Tech") {
			t.Fatalf("first page: %s", pg.body)
		}
		next := uiLink(t, pg, "Next page")
		u, err := url.Parse(next)
		if err != nil || u.Path != "/admin/partners" || u.Query().Get("sort") != "name" || u.Query().Get("limit") != "2" || u.Query().Get("cursor") == "" {
			t.Fatalf("next link %q", next)
		}
		pg = b.get(next)
		if !uiOrder(pg.body, "Charlie Tech", "Delta Resellers") || uiOrder(pg.body, "Bravo Referrals") {
			t.Fatalf("second page: %s", pg.body)
		}
		if uiLink(t, pg, "Next page") != "" || uiLink(t, pg, "First page") != "/admin/partners?limit=2&sort=name" {
			t.Fatalf("second page links: %s", pg.body)
		}
		// Filters and pages together.
		pg = b.get("/admin/partners?status=active&sort=name&limit=1")
		pg = b.get(uiLink(t, pg, "Next page"))
		if !uiOrder(pg.body, "Delta Resellers") || uiOrder(pg.body, "Charlie Tech") || uiLink(t, pg, "Next page") != "" {
			t.Fatalf("filtered second page: %s", pg.body)
		}

		// Cursors the list did not hand out are refused, not passed to the database.
		for _, bad := range []string{"cursor=!!!", "cursor=cHRuXw&sort=name", "q=%00", "q=%ff"} {
			wantUI(t, b.get("/admin/partners?"+bad), http.StatusBadRequest, "not valid")
		}
	})
}

// touch makes p the most recently updated partner.
func (e *uiEnv) touch(p *ally.Partner) error {
	_, err := e.app.UpdatePartner(e.ctx, e.admin, p.ID, ally.PartnerFields{Description: uiPtr("touched")}, app.UpdatePartnerOptions{})
	return err
}

func TestAdminManagerSeesOnlyTheirPartners(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		ana := e.user("ana@vendor.example", ally.RoleManager)
		bob := e.user("bob@vendor.example", ally.RoleManager)
		owned := e.partner(ally.PartnerFields{Name: uiPtr("Owned by Ana"), OwnerID: &ana.ID})
		managed := e.partner(ally.PartnerFields{Name: uiPtr("Managed by Ana"), ManagerID: &ana.ID})
		granted := e.partner(ally.PartnerFields{Name: uiPtr("Granted to Ana"), OwnerID: &bob.ID})
		other := e.partner(ally.PartnerFields{Name: uiPtr("Bob only"), OwnerID: &bob.ID})

		// The admin grants Ana a partner through the partner page.
		admin := e.signIn("admin@vendor.example")
		pg := admin.get("/admin/partners/" + granted.ID)
		wantUI(t, pg, http.StatusOK, "Team access", `<option value="`+ana.ID+`">`)
		wantUI(t, admin.post("/admin/partners/"+granted.ID+"/grants", url.Values{"user": {ana.ID}}), http.StatusOK,
			"Access granted.", "Name of ana@vendor.example (ana@vendor.example)")

		b := e.signIn("ana@vendor.example")
		pg = b.get("/admin/partners")
		wantUI(t, pg, http.StatusOK, "Owned by Ana", "Managed by Ana", "Granted to Ana")
		wantNot(t, pg, "Bob only")
		for _, p := range []*ally.Partner{owned, managed, granted} {
			wantUI(t, b.get("/admin/partners/"+p.ID), http.StatusOK, p.Name)
		}
		// Another's partner does not exist for her, whatever the door.
		wantUI(t, b.get("/admin/partners/"+other.ID), http.StatusNotFound)
		wantUI(t, b.get("/admin/partners/"+other.ID+"/edit"), http.StatusNotFound)
		wantUI(t, b.get("/admin/partners/"+other.ID+"/contacts/new"), http.StatusNotFound)
		wantUI(t, b.post("/admin/partners/"+other.ID+"/archive", url.Values{}), http.StatusNotFound)
		wantUI(t, b.post("/admin/partners/"+other.ID+"/activity", url.Values{"kind": {"note"}, "text": {"hi"}}), http.StatusNotFound)
		// Team access is the admins' to manage.
		wantNot(t, b.get("/admin/partners/"+owned.ID), "Team access")
		wantUI(t, b.post("/admin/partners/"+owned.ID+"/grants", url.Values{"user": {bob.ID}}), http.StatusForbidden)

		// Revoking the grant hides the partner again.
		wantUI(t, admin.post("/admin/partners/"+granted.ID+"/grants/"+ana.ID+"/delete", url.Values{}), http.StatusOK, "Access removed.")
		wantUI(t, b.get("/admin/partners/"+granted.ID), http.StatusNotFound)

		// A viewer reads but is offered no changes, and changes are refused.
		e.user("vera@vendor.example", ally.RoleViewer)
		v := e.signIn("vera@vendor.example")
		wantNot(t, v.get("/admin/partners"), `href="/admin/partners/new"`)
		wantUI(t, v.post("/admin/partners/new", url.Values{"name": {"Viewer's"}}), http.StatusForbidden)
	})
}

func TestAdminRefusesCrossSiteForms(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		b := e.signIn("admin@vendor.example")
		form := url.Values{"name": {"Cross-site partner"}, "status": {"active"}, "portalAccess": {"RESTRICTED_USERS"}}
		for _, hdr := range [][]string{
			{"Origin", "https://evil.example"},
			{"Sec-Fetch-Site", "cross-site"},
		} {
			pg := b.postOnly("/admin/partners/new", form, hdr...)
			if pg.status != http.StatusForbidden {
				t.Fatalf("%s: %d, want 403", hdr, pg.status)
			}
		}
		// Logging out across sites is refused too.
		if pg := b.postOnly("/admin/logout", url.Values{}, "Sec-Fetch-Site", "cross-site"); pg.status != http.StatusForbidden {
			t.Fatalf("cross-site sign-out: %d", pg.status)
		}
		page, err := e.app.Partners(e.ctx, e.admin, ally.PartnerFilter{})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("partners after refused posts: %d %v", len(page.Items), err)
		}
		// The same form from this site works.
		pg := b.post("/admin/partners/new", form, "Sec-Fetch-Site", "same-origin", "Origin", e.base)
		wantUI(t, pg, http.StatusOK, "Created.", "Cross-site partner")
	})
}
