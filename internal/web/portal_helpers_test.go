package web_test

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Helpers of the portal tests, on the harness of harness_test.go.

// portalPassword is the password portal users of these tests end up with.
const portalPassword = "a partner's own password"

// portalPartner creates an active partner whose template turns on the
// dashboard and the profile with the given fields (name and website
// editable when none are given).
func (e *uiEnv) portalPartner(name string, profile ...ally.ProfileField) *ally.Partner {
	e.t.Helper()
	if len(profile) == 0 {
		profile = []ally.ProfileField{{Key: ally.CoreName, Editable: true}, {Key: ally.CoreWebsite, Editable: true}, {Key: ally.CoreTier}}
	}
	tplName := "Template for " + name
	tpl, err := e.app.CreateExperienceTemplate(e.ctx, e.admin, ally.ExperienceTemplateFields{
		Name: &tplName, Sections: &ally.Sections{Dashboard: true, Profile: true, Leads: true}, Profile: &profile,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	status := ally.StatusActive
	p, _, err := e.app.CreatePartner(e.ctx, e.admin, ally.PartnerFields{Name: &name, Status: &status, ExperienceTemplateID: &tpl.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// portalContact adds a contact without portal access to p.
func (e *uiEnv) portalContact(p *ally.Partner, name, email string) *ally.Contact {
	e.t.Helper()
	c, err := e.app.CreateContact(e.ctx, e.admin, p.ID, ally.ContactFields{Name: &name, Email: &email})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// signedInAt returns a browser signed in as a new partner user of p whose
// password is portalPassword (a temporary one, already replaced).
func (e *uiEnv) signedInAt(p *ally.Partner, email string) *uiBrowser {
	e.t.Helper()
	c := e.portalContact(p, "User "+email, email)
	const temp = "temporary password 1"
	if err := e.app.SetTemporaryPassword(e.ctx, e.admin, c.ID, temp); err != nil {
		e.t.Fatal(err)
	}
	in, err := e.app.SignInPartner(e.ctx, email, temp, app.ClientMeta{IP: "192.0.2.9"})
	if err != nil {
		e.t.Fatal(err)
	}
	actor, ses, err := e.app.Authenticate(e.ctx, in.Token, app.ClientMeta{})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.ChangeOwnPassword(e.ctx, actor, ses.ID, temp, portalPassword); err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	if pg := b.post("/partner/login", url.Values{"email": {email}, "password": {portalPassword}}); pg.uri() != "/partner/" {
		e.t.Fatalf("sign-in as %s ended at %s (%d): %s", email, pg.url, pg.status, pg.body)
	}
	return b
}

var portalLinkRE = regexp.MustCompile(`https?://[^\s"<>]+(/partner/(?:invite|reset|signup|email)/[A-Za-z0-9_-]+)`)

// portalLink expects exactly one queued e-mail, to to, with a link on this
// server under prefix, and returns the link's path.
func (e *uiEnv) portalLink(to, prefix string) string {
	e.t.Helper()
	ms := e.mails()
	if len(ms) != 1 || len(ms[0].To) != 1 || ms[0].To[0] != to {
		e.t.Fatalf("want one e-mail to %s, got %+v", to, ms)
	}
	m := portalLinkRE.FindStringSubmatch(ms[0].Text)
	if m == nil || !strings.HasPrefix(m[0], e.base+prefix) {
		e.t.Fatalf("no link to %s%s in %q", e.base, prefix, ms[0].Text)
	}
	return m[1]
}
