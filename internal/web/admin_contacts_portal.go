package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// Portal access of a contact: invite (with a personal message), resend,
// revoke the invite, set a temporary password, disable. Each action checks
// first that the contact belongs to the partner in the URL, so a contact id
// pasted under another partner is a 404 rather than an action on someone
// the page does not show.

// adminContactInvite mails the contact an invite to the portal.
func (s *server) adminContactInvite(w http.ResponseWriter, r *http.Request) {
	s.adminPortalAction(w, r, "invited", func(ctx context.Context, a ally.Actor, cid string) error {
		return s.app.InviteContact(ctx, a, cid, r.PostFormValue("message"))
	})
}

// adminContactResend mails an open invite again, with a new link.
func (s *server) adminContactResend(w http.ResponseWriter, r *http.Request) {
	s.adminPortalAction(w, r, "resent", func(ctx context.Context, a ally.Actor, cid string) error {
		return s.app.ResendInvite(ctx, a, cid, r.PostFormValue("message"))
	})
}

// adminContactRevoke withdraws an open invite.
func (s *server) adminContactRevoke(w http.ResponseWriter, r *http.Request) {
	s.adminPortalAction(w, r, "revoked", func(ctx context.Context, a ally.Actor, cid string) error {
		return s.app.RevokeInvite(ctx, a, cid)
	})
}

// adminContactPassword gives the contact portal access with a temporary
// password, which they must change at the first sign-in.
func (s *server) adminContactPassword(w http.ResponseWriter, r *http.Request) {
	s.adminPortalAction(w, r, "tempset", func(ctx context.Context, a ally.Actor, cid string) error {
		return s.app.SetTemporaryPassword(ctx, a, cid, r.PostFormValue("password"))
	})
}

// adminContactDisable takes the contact's portal access away.
func (s *server) adminContactDisable(w http.ResponseWriter, r *http.Request) {
	s.adminPortalAction(w, r, "disabled", func(ctx context.Context, a ally.Actor, cid string) error {
		return s.app.DisablePortalAccess(ctx, a, cid)
	})
}

// adminPortalAction runs one portal access action and answers it: back to
// the contact page with a flash, or the page again with the application's
// reason (a dormant partner, an address another portal user has) shown
// beside the portal forms.
func (s *server) adminPortalAction(w http.ResponseWriter, r *http.Request, flash string, do func(context.Context, ally.Actor, string) error) {
	if !s.adminForm(w, r) {
		return
	}
	ctx, a := r.Context(), actor(r)
	pid := r.PathValue("id")
	c, err := s.app.Contact(ctx, a, pid, r.PathValue("cid"))
	if err == nil {
		err = do(ctx, a, c.ID)
	}
	if err == nil {
		redirect(w, r, "/admin/partners/"+c.PartnerID+"/contacts/"+c.ID+"/edit", flash)
		return
	}
	switch ally.ErrorCode(err) {
	case ally.ECodeInvalid, ally.ECodeConflict, ally.ECodeForbidden, ally.ECodePrecondition:
		d := &adminContactData{Portal: adminPortalForm{Message: r.PostFormValue("message")}}
		d.Portal.Errors, d.Portal.Alert = admPortalErrors(err)
		s.adminContactPage(w, r, statusOf(err), d)
		return
	}
	s.errorPage(w, r, "admin", err)
}

// admPortalErrors splits a refusal into the field errors the portal forms
// show in place (the message, the password) and one alert that also
// carries any other field's reason, such as the contact's e-mail address.
func admPortalErrors(err error) (map[string]string, string) {
	fields, msg := fieldErrors(err)
	shown := map[string]string{}
	var extra []string
	for k, v := range fields {
		switch k {
		case "message", "password":
			shown[k] = v
		default:
			extra = append(extra, v)
		}
	}
	alert := admSentence(msg)
	if len(extra) > 0 {
		alert = admSentence(strings.TrimSuffix(alert, ".") + ": " + strings.Join(extra, "; "))
	}
	return shown, alert
}
