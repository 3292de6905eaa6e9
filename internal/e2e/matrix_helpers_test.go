package e2e_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/outbound"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// The access matrix's fixture: one server (API and web on one mux) over a
// real store, two partners with their people and data, every kind of actor
// signed in through the real forms. Names start with mx.

// mxPassword is every password of the fixture.
const mxPassword = "matrix password 1"

// mxMux is the server's mux, noting every pattern registered on it.
type mxMux struct {
	*http.ServeMux
	patterns []string
}

func (m *mxMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func (m *mxMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// mxPartner is one of the two partners and what hangs off it. Every name,
// domain and e-mail of a partner holds its marker, so one search of an
// answer finds any of its data.
type mxPartner struct {
	marker  string // "Azurite" or "Bravura"
	p       *ally.Partner
	contact *ally.Contact // a contact without portal access
	user    *ally.Contact // the portal user, signed in
	logo    string        // the id of its uploaded logo
	hook    string        // its webhook URL, at the fixture's receiver
	lead    string        // a lead of its own (A's was placed by a rule that passed B over)
	dlv     string        // the webhook delivery of that lead, with an attempt
}

// mxFix is one engine's fixture.
type mxFix struct {
	t        *testing.T
	ctx      context.Context
	db       *store.DB
	app      *app.App
	base     string
	patterns []string // what api.Register put on the mux
	hash     string   // the hash of mxPassword, shared by every account
	n        int      // for unique names
	static   string   // the path of a static file

	a, b                      *mxPartner
	tier, phase, prop, tpl    string // catalog ids, for the settings pages
	key                       string // an API key's id, for its revoke route
	owner, admin, mgr, viewer *ally.User
	spare                     *ally.User // a viewer no actor signs in as; grants are given to them
	keyRead, keyAll           string     // API keys: partners:read only, and every scope
	actors                    []*mxActor

	// The lead half (see seedLeads): a lead no rule placed, the rule that
	// passed B over for A's lead, an import, a vendor subscription and one
	// of its deliveries. All but the rule carry mxVendorMarker.
	queued, rule, imp, sub, subDlv string
}

var mxSys = ally.System("access matrix")

func mxNewFix(t *testing.T, engine string) *mxFix {
	t.Helper()
	db := storetest.Open(t, engine)
	mux := &mxMux{ServeMux: http.NewServeMux()}
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	// Every actor posts to the sign-in forms from the same address: the
	// lock-out counters are raised so the matrix tests who may do what,
	// not the lock-out (which has tests of its own).
	policy := app.AuthPolicy{AccountFailures: 1 << 20, IPFailures: 1 << 20, MailsPerAddress: 1 << 20, MailRequestsIP: 1 << 20}
	log := slog.New(slog.NewTextHandler(mxLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	// Webhooks go to a receiver of the test's own, on 127.0.0.1, as an
	// admin who allowed that host would have them go.
	out := outbound.New(outbound.Options{AllowHosts: []string{"127.0.0.1"}})
	a := app.New(db, app.WithBaseURL(base), app.WithAuthPolicy(policy), app.WithLogger(log), app.WithOutbound(out))
	api.Register(mux, a, api.Config{Logger: log, RateLimit: 1e6, RateBurst: 1 << 20})
	apiPatterns := mux.patterns
	web.Register(mux.ServeMux, a, web.Config{BaseURL: base, Logger: log})
	srv.Start()
	t.Cleanup(srv.Close)
	f := &mxFix{t: t, ctx: context.Background(), db: db, app: a, base: base, patterns: apiPatterns, hash: app.HashPassword(mxPassword)}
	f.seed()
	f.seedLeads()
	f.signIn()
	f.plant()
	// Static files have content-hashed names: take one from a page.
	m := regexp.MustCompile(`/static/[^"]+`).FindString(f.do(f.actors[0], http.MethodGet, "/admin/login", "").body)
	if m == "" {
		t.Fatal("no static file linked from the sign-in page")
	}
	f.static = m
	return f
}

// plant makes both partners quiet since long ago, so the going-quiet list
// has them, and makes each name the other's contact as its champion, as
// data written before references were checked (or by a bug) could: no
// page may show that contact to anyone who may not see the other partner.
func (f *mxFix) plant() {
	f.t.Helper()
	for _, p := range []*mxPartner{f.a, f.b} {
		other := map[*mxPartner]*mxPartner{f.a: f.b, f.b: f.a}[p]
		f.must(f.db.Write(f.ctx, func(tx ally.Tx) error {
			cur, err := tx.FindPartnerByID(f.ctx, p.p.ID)
			if err != nil {
				return err
			}
			cur.LastActivityAt = time.Now().AddDate(0, 0, -100)
			cur.ChampionContactID = other.contact.ID
			return tx.UpdatePartner(f.ctx, cur)
		}))
	}
}

// mxLogWriter shows the server's error logs (a 500's cause) in the test output.
type mxLogWriter struct{ t *testing.T }

func (w mxLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (f *mxFix) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// seed writes the catalog, the staff, the two partners and their data.
func (f *mxFix) seed() {
	f.t.Helper()
	f.owner, f.admin = f.staffUser("owner", ally.RoleOwner), f.staffUser("admin", ally.RoleAdmin)
	f.mgr, f.viewer = f.staffUser("manager", ally.RoleManager), f.staffUser("viewer", ally.RoleViewer)
	f.spare = f.staffUser("spare", ally.RoleViewer)
	f.staffUser("signin", ally.RoleViewer) // signs in through the form in the matrix

	tier, err := f.app.CreateTier(f.ctx, mxSys, ally.TierFields{Name: mxPtr("Gold")})
	f.must(err)
	phase, err := f.app.CreatePhase(f.ctx, mxSys, ally.PhaseFields{Name: mxPtr("Grow")})
	f.must(err)
	text, custom := ally.TypeText, ally.SourceCustom
	prop, err := f.app.CreatePropertyDefinition(f.ctx, mxSys, ally.PropertyFields{Key: mxPtr("region_note"), Label: mxPtr("Region note"), Type: &text, Source: &custom})
	f.must(err)
	f.tier, f.phase, f.prop = tier.ID, phase.ID, prop.ID
	f.tpl = f.template("Reseller portal")
	k, _, err := f.app.CreateAPIKey(f.ctx, mxSys, ally.NewAPIKey{Name: "CRM sync"})
	f.must(err)
	f.key = k.ID

	// A is the manager's and granted to the viewer; B is neither's.
	f.a = f.partner("Azurite", f.mgr.ID, f.tpl)
	f.must(f.app.Grant(f.ctx, mxSys, f.viewer.ID, f.a.p.ID))
	f.b = f.partner("Bravura", f.owner.ID, f.template("Distributor portal"))

	_, f.keyRead, err = f.app.CreateAPIKey(f.ctx, mxSys, ally.NewAPIKey{Name: "partners reader", Scopes: []ally.Scope{ally.ScopePartnersRead}})
	f.must(err)
	_, f.keyAll, err = f.app.CreateAPIKey(f.ctx, mxSys, ally.NewAPIKey{Name: "everything"})
	f.must(err)
}

// template makes an experience template with the dashboard, the leads
// (with their export), the delivery settings and a profile of every kind
// of property (a core one of each kind, a custom one) whose name, website,
// logo and custom note the partner may edit.
func (f *mxFix) template(name string) string {
	f.t.Helper()
	sections := ally.Sections{Dashboard: true, Profile: true, Leads: true, LeadExport: true, DeliverySettings: true}
	profile := []ally.ProfileField{{Key: ally.CoreName, Editable: true}, {Key: ally.CoreWebsite, Editable: true},
		{Key: ally.CoreLogo, Editable: true}, {Key: ally.CoreTier}, {Key: ally.CoreManager}, {Key: ally.CoreChampion},
		{Key: "region_note", Editable: true}}
	t, err := f.app.CreateExperienceTemplate(f.ctx, mxSys, ally.ExperienceTemplateFields{Name: &name, Sections: &sections, Profile: &profile})
	f.must(err)
	return t.ID
}

// partner makes an active partner marked marker, owned by owner, with a
// contact, a portal user, a logo and a comment on its timeline.
func (f *mxFix) partner(marker, owner, tpl string) *mxPartner {
	f.t.Helper()
	low := strings.ToLower(marker)
	active := ally.StatusActive
	p, _, err := f.app.CreatePartner(f.ctx, mxSys, ally.PartnerFields{
		Name: mxPtr(marker + " Systems"), Domain: mxPtr(low + ".example"), Website: mxPtr("https://www." + low + ".example"),
		Status: &active, OwnerID: &owner, ExperienceTemplateID: &tpl, TierID: &f.tier, PhaseID: &f.phase,
		ExternalID: mxPtr("crm-" + strconv.Itoa(f.next())), // no marker: it is asked for in URLs CustomProperties: &map[string]any{"region_note": marker + " north"},
	})
	f.must(err)
	m := &mxPartner{marker: marker, p: p}
	m.contact = f.contact(p.ID, "Ada "+marker, "ada@"+low+".example", "")
	m.user = f.contact(p.ID, "Pat "+marker, "pat@"+low+".example", ally.PortalActive)
	f.contact(p.ID, "Sid "+marker, "signin@"+low+".example", ally.PortalActive) // signs in through the form in the matrix
	f.must(f.app.AddComment(f.ctx, mxSys, p.ID, ally.ActivityComment, marker+" kick-off call"))
	pu := ally.Actor{Kind: ally.ActorPartner, ID: m.user.ID, PartnerID: p.ID, Label: m.user.Email}
	saved, err := f.app.SetMyLogo(f.ctx, pu, mxPNG())
	f.must(err)
	m.logo = strings.TrimPrefix(saved.LogoURL, "/files/")
	m.p = saved
	return m
}

// contact adds a contact; portal active gives it portal access with mxPassword.
func (f *mxFix) contact(partnerID, name, email string, portal ally.PortalStatus) *ally.Contact {
	f.t.Helper()
	c, err := f.app.CreateContact(f.ctx, mxSys, partnerID, ally.ContactFields{Name: &name, Email: &email})
	f.must(err)
	if portal == "" {
		return c
	}
	// Written to the store: the portal's own ways in (invite, temporary
	// password) are not what this test is about, and each costs a hash.
	f.must(f.db.Write(f.ctx, func(tx ally.Tx) error {
		c.Portal = portal
		if portal == ally.PortalActive {
			c.PasswordHash = f.hash
		}
		return tx.UpdateContact(f.ctx, c)
	}))
	c, err = f.db.FindContactByID(f.ctx, c.ID)
	f.must(err)
	return c
}

// staffUser adds a staff user whose password is mxPassword, through the
// store: app.CreateUser would hash the password again for each.
func (f *mxFix) staffUser(name string, role ally.Role) *ally.User {
	f.t.Helper()
	now := time.Now()
	u := &ally.User{ID: ally.NewID(ally.PrefixUser), Email: name + "@vendor.example", Name: "Staff " + name, Role: role,
		PasswordHash: f.hash, Notifications: map[string]bool{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	f.must(f.db.Write(f.ctx, func(tx ally.Tx) error { return tx.CreateUser(f.ctx, u) }))
	return u
}

// next returns a number no earlier call returned, for unique names.
func (f *mxFix) next() int {
	f.n++
	return f.n
}

func mxPtr[T any](v T) *T { return &v }

// mxPNG is a small valid PNG.
func mxPNG() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
