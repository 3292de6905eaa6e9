package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

// TestOwnerSeesPartnerEditNotification: a partner's own profile edit shows
// up on its owner's notifications page, linked to the partner, and can be
// marked read; another manager sees nothing of it.
func TestOwnerSeesPartnerEditNotification(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		owner := e.user("owner@vendor.example", ally.RoleManager)
		e.user("other@vendor.example", ally.RoleManager)
		prof := []ally.ProfileField{{Key: ally.CoreWebsite, Editable: true}}
		tmpl, err := e.app.CreateExperienceTemplate(e.ctx, e.admin, ally.ExperienceTemplateFields{Name: uiPtr("T"),
			Sections: &ally.Sections{Profile: true}, Profile: &prof})
		if err != nil {
			t.Fatal(err)
		}
		p := e.partner(ally.PartnerFields{Name: uiPtr("Acme Partners"), OwnerID: &owner.ID, ExperienceTemplateID: &tmpl.ID,
			PortalAccess: uiPtr(ally.AccessRestrictedUsers)})
		user := ally.Actor{Kind: ally.ActorPartner, ID: "ctc_x", PartnerID: p.ID, Label: "ana@acme.example"}
		if _, err := e.app.UpdateMyProfile(e.ctx, user, map[string][]string{"website": {"https://acme.example"}}, nil); err != nil {
			t.Fatal(err)
		}

		b := e.signIn("owner@vendor.example")
		pg := b.get("/admin/notifications")
		wantUI(t, pg, http.StatusOK, "New ·", "Acme Partners: ana@acme.example updated the profile", "/admin/partners/"+p.ID)
		pg = b.post("/admin/notifications/read", url.Values{})
		wantUI(t, pg, http.StatusOK, "Notifications marked read.")
		wantNot(t, pg, "New ·")

		wantNot(t, e.signIn("other@vendor.example").get("/admin/notifications"), "Acme Partners")
	})
}
