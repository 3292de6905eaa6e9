package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestAdminGoingQuiet(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		active := ally.StatusActive
		a := e.partner(ally.PartnerFields{Name: uiPtr("Quiet Alpha")})
		bq := e.partner(ally.PartnerFields{Name: uiPtr("Quiet Bravo")})
		c := e.partner(ally.PartnerFields{Name: uiPtr("Quiet Charlie")})
		busy := e.partner(ally.PartnerFields{Name: uiPtr("Busy Co"), Status: &active})
		gone := e.partner(ally.PartnerFields{Name: uiPtr("Long Gone")})
		if _, err := e.app.ArchivePartner(e.ctx, e.admin, gone.ID, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		// Busy's people signed in to the portal just now.
		ctc, err := e.app.CreateContact(e.ctx, e.admin, busy.ID, ally.ContactFields{Name: uiPtr("Bo"), Email: uiPtr("bo@busy.example")})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.SetTemporaryPassword(e.ctx, e.admin, ctc.ID, "a temporary password"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.SignInPartner(e.ctx, "bo@busy.example", "a temporary password", app.ClientMeta{IP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}

		b := e.signIn("admin@vendor.example")
		pg := b.get("/admin/quiet")
		wantUI(t, pg, http.StatusOK, "for 60 days or more", `value="60"`, "Quiet Alpha", "Quiet Bravo", "Quiet Charlie", "Never", "Archive selected",
			`<label class="visually-hidden" for="q-`+a.ID+`">Select Quiet Alpha</label>`)
		wantNot(t, pg, "Busy Co", "Long Gone")
		wantUI(t, b.get("/admin/quiet?days=soon"), http.StatusBadRequest, "must be a whole number of days")

		// Paging keeps the threshold.
		pg = b.get("/admin/quiet?days=30&limit=2")
		next := uiLink(t, pg, "Next page")
		if u, err := url.Parse(next); err != nil || u.Query().Get("days") != "30" || u.Query().Get("cursor") == "" {
			t.Fatalf("next link %q", next)
		}
		wantUI(t, b.get(next), http.StatusOK, "Quiet Charlie")

		pg = b.post("/admin/quiet/archive", url.Values{"id": {a.ID, bq.ID}, "days": {"30"}})
		wantUI(t, pg, http.StatusOK, "2 partners archived.", `value="30"`, "Quiet Charlie")
		wantNot(t, pg, "Quiet Alpha", "Quiet Bravo")
		if pg.url.RequestURI() != "/admin/quiet?days=30&n=2&ok=bulk" {
			t.Fatalf("after archive: %s", pg.url)
		}
		if e.reload(a.ID).Status != ally.StatusArchived || e.reload(bq.ID).Status != ally.StatusArchived {
			t.Fatal("not archived")
		}
		wantUI(t, b.post("/admin/quiet/archive", url.Values{"days": {"30"}}), http.StatusOK, "Nothing to change.")

		// One refusal does not stop the rest, and the page says what happened.
		pg = b.post("/admin/quiet/archive", url.Values{"id": {"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", c.ID}, "days": {"30"}})
		wantUI(t, pg, http.StatusNotFound, "Archived 1 of 2 selected. Not archived: No partner")
		if e.reload(c.ID).Status != ally.StatusArchived {
			t.Fatal("the rest were not archived")
		}

		// A manager cannot archive a partner that is not theirs.
		ana := e.user("ana@vendor.example", ally.RoleManager)
		mine := e.partner(ally.PartnerFields{Name: uiPtr("Ana's Quiet"), OwnerID: &ana.ID})
		theirs := e.partner(ally.PartnerFields{Name: uiPtr("Not Ana's")})
		m := e.signIn("ana@vendor.example")
		pg = m.get("/admin/quiet")
		wantUI(t, pg, http.StatusOK, "Ana&#39;s Quiet")
		wantNot(t, pg, "Not Ana")
		pg = m.post("/admin/quiet/archive", url.Values{"id": {theirs.ID, mine.ID}})
		wantUI(t, pg, http.StatusNotFound, "Archived 1 of 2 selected.")
		if e.reload(theirs.ID).Status == ally.StatusArchived {
			t.Fatal("a manager archived another's partner")
		}
	})
}
