package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestPortalDashboard(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		if err := e.app.UpdateSettings(e.ctx, e.admin, ally.Settings{Branding: ally.Branding{VendorName: "Globex", AccentColor: "#aa3300"}}); err != nil {
			t.Fatal(err)
		}
		mgr, err := e.app.CreateUser(e.ctx, e.admin, ally.NewUser{Email: "mia@globex.example", Name: "Mia Manager", Role: ally.RoleManager, Password: portalPassword})
		if err != nil {
			t.Fatal(err)
		}
		gold, err := e.app.CreateTier(e.ctx, e.admin, ally.TierFields{Name: uiPtr("Gold"), PricePerLeadCents: uiPtr(int64(4200))})
		if err != nil {
			t.Fatal(err)
		}
		p := e.portalPartner("Acme")
		if _, err := e.app.UpdatePartner(e.ctx, e.admin, p.ID, ally.PartnerFields{TierID: &gold.ID, ManagerID: &mgr.ID}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		b := e.signedInAt(p, "pat@acme.example")

		pg := b.get("/partner/")
		wantUI(t, pg, http.StatusOK, "Globex <span class=\"muted\">partner portal</span>", "<h1>Acme</h1>", "Gold", "Mia Manager",
			"mailto:mia@globex.example", `<span class="badge active">active</span>`, `href="/partner/profile"`, `href="/partner/leads"`, "Total leads")
		for _, hidden := range []string{"4200", "42.00", "Deals", "Invoices", "Coming soon"} {
			if strings.Contains(pg.body, hidden) {
				t.Fatalf("the dashboard shows %q", hidden)
			}
		}
		if css := b.get("/theme.css"); !strings.Contains(css.body, "#aa3300") {
			t.Fatalf("theme: %s", css.body)
		}
		wantUI(t, b.get("/partner/no-such-page"), http.StatusNotFound, "no such page")
	})
}

func TestPortalSectionsFollowTheTemplate(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		b := e.signedInAt(p, "pat@acme.example")
		off := ally.Sections{}
		if _, err := e.app.UpdateExperienceTemplate(e.ctx, e.admin, p.ExperienceTemplateID, ally.ExperienceTemplateFields{Sections: &off}, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.app.AddComment(e.ctx, e.admin, p.ID, ally.ActivityComment, "A shared comment"); err != nil {
			t.Fatal(err)
		}

		pg := b.get("/partner/")
		wantUI(t, pg, http.StatusOK, "<h1>Acme</h1>", `href="/partner/account"`)
		for _, hidden := range []string{`href="/partner/profile"`, "A shared comment", "Coming soon"} {
			if strings.Contains(pg.body, hidden) {
				t.Fatalf("with every section off the dashboard shows %q", hidden)
			}
		}
		wantUI(t, b.get("/partner/profile"), http.StatusNotFound, "does not include the profile")
		wantUI(t, b.post("/partner/profile", url.Values{"website": {"https://x.example"}}), http.StatusNotFound)
		if got, _ := e.app.Partner(e.ctx, e.admin, p.ID); got.Website != "" {
			t.Fatalf("an edit went through a closed section: %s", got.Website)
		}
		wantUI(t, b.get("/partner/account"), http.StatusOK, "My account")
	})
}
