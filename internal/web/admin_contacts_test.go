package web_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestAdminContacts(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		active := ally.StatusActive
		p := e.partner(ally.PartnerFields{Name: uiPtr("Acme"), Status: &active})
		other := e.partner(ally.PartnerFields{Name: uiPtr("Other")})
		b := e.signIn("admin@vendor.example")
		base := "/admin/partners/" + p.ID + "/contacts"

		pg := b.get(base + "/new")
		wantUI(t, pg, http.StatusOK, "New contact at Acme", `<input type="checkbox" name="roles" value="executive_sponsor"> executive sponsor`)
		wantUI(t, b.post(base+"/new", url.Values{"name": {"Pat"}, "email": {"not an address"}}), http.StatusUnprocessableEntity,
			"must be a valid e-mail address", `value="not an address"`, `aria-describedby="e-f-email "`)

		pg = b.post(base+"/new", url.Values{"name": {"Pat Partner"}, "email": {"PAT@acme.example"}, "roles": {"sales", "technical"}, "primary": {"on"}})
		wantUI(t, pg, http.StatusOK, "Created.", "Pat Partner", `<span class="badge">primary</span>`, "pat@acme.example", "sales, technical")
		cs, err := e.app.Contacts(e.ctx, e.admin, p.ID, "", 10)
		if err != nil || len(cs.Items) != 1 {
			t.Fatalf("contacts: %v %v", cs.Items, err)
		}
		c := cs.Items[0]
		if c.Email != "pat@acme.example" || !c.Primary || e.reload(p.ID).PrimaryContactID != c.ID {
			t.Fatalf("contact %+v", c)
		}
		edit := base + "/" + c.ID + "/edit"

		// Edit, and a stale edit.
		pg = b.get(edit)
		wantUI(t, pg, http.StatusOK, "Pat Partner at Acme", `value="sales" checked`, "has no portal access", "Send invite")
		stale := uiForm(t, pg, edit)
		form := uiForm(t, pg, edit)
		form.Set("title", "Head of Sales")
		form["roles"] = []string{"billing"}
		wantUI(t, b.post(edit, form), http.StatusOK, "Saved.", "billing")
		if c, _ = e.app.Contact(e.ctx, e.admin, p.ID, c.ID); c.Title != "Head of Sales" || !reflect.DeepEqual(c.Roles, []ally.ContactRole{ally.ContactBilling}) {
			t.Fatalf("after edit %+v", c)
		}
		stale.Set("title", "Old tab")
		wantUI(t, b.post(edit, stale), http.StatusPreconditionFailed, "changed by someone else", `value="Head of Sales"`)

		// A contact id under another partner's URL is not found.
		wantUI(t, b.get("/admin/partners/"+other.ID+"/contacts/"+c.ID+"/edit"), http.StatusNotFound)
		wantUI(t, b.post("/admin/partners/"+other.ID+"/contacts/"+c.ID+"/invite", url.Values{}), http.StatusNotFound)

		// Portal access: invite, resend, revoke, temporary password, disable.
		pg = b.post(edit[:len(edit)-len("/edit")]+"/invite", url.Values{"message": {"Welcome aboard, Pat!"}})
		wantUI(t, pg, http.StatusOK, "Invitation sent.", `<span class="badge onboarding">invited</span>`, "Resend invite", "Revoke the invite")
		if pg.path() != edit {
			t.Fatalf("after invite: %s", pg.url)
		}
		ms := e.mails()
		if len(ms) != 1 || ms[0].To[0] != "pat@acme.example" || !strings.Contains(ms[0].Text, "Welcome aboard, Pat!") || !strings.Contains(ms[0].Text, e.base+"/partner/invite/") {
			t.Fatalf("invite mail: %+v", ms)
		}
		act := base + "/" + c.ID
		wantUI(t, b.post(act+"/resend", url.Values{"message": {""}}), http.StatusOK, "Invitation sent again.")
		if ms := e.mails(); len(ms) != 1 {
			t.Fatalf("resend mails: %d", len(ms))
		}
		wantUI(t, b.post(act+"/revoke", url.Values{}), http.StatusOK, "Revoked.", `<span class="badge">off</span>`)
		wantUI(t, b.post(act+"/password", url.Values{"password": {"short"}}), http.StatusUnprocessableEntity,
			`<span class="error" id="e-f-password">must be at least 12 characters</span>`)
		wantUI(t, b.post(act+"/password", url.Values{"password": {"a temporary password"}}), http.StatusOK,
			"Temporary password set", `<span class="badge active">active</span>`, "must change the temporary password first")
		wantUI(t, b.post(act+"/invite", url.Values{}), http.StatusConflict, "Pat Partner already has portal access")
		wantUI(t, b.post(act+"/disable", url.Values{}), http.StatusOK, "Portal access disabled.", `<span class="badge dormant">disabled</span>`)

		// Delete: gone, and no longer the primary contact.
		wantUI(t, b.post(act+"/delete", url.Values{}), http.StatusOK, "Deleted.", "No contacts yet.")
		if e.reload(p.ID).PrimaryContactID != "" {
			t.Fatal("the deleted contact is still primary")
		}
	})
}

func TestAdminInviteRefusedForDormantPartner(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		dormant := ally.StatusDormant
		p := e.partner(ally.PartnerFields{Name: uiPtr("Sleepy Ltd"), Status: &dormant})
		c, err := e.app.CreateContact(e.ctx, e.admin, p.ID, ally.ContactFields{Name: uiPtr("Sam"), Email: uiPtr("sam@sleepy.example")})
		if err != nil {
			t.Fatal(err)
		}
		b := e.signIn("admin@vendor.example")
		pg := b.post("/admin/partners/"+p.ID+"/contacts/"+c.ID+"/invite", url.Values{"message": {"Hello Sam"}})
		wantUI(t, pg, http.StatusConflict, `<p class="alert" role="alert" id="portal-error">Sleepy Ltd is dormant; portal access is given only while a partner is active or onboarding.</p>`,
			">Hello Sam</textarea>")
		if ms := e.mails(); len(ms) != 0 {
			t.Fatalf("a refused invite queued %d mails", len(ms))
		}
		if c, _ = e.app.Contact(e.ctx, e.admin, p.ID, c.ID); c.Portal != ally.PortalOff {
			t.Fatalf("portal = %s", c.Portal)
		}
	})
}
