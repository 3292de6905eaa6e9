package e2e_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// TestAccessMatrix calls every route of /admin, /partner and /api/v1 (and
// the files beside them) as every kind of caller: nobody, a user of
// partner A, a user of partner B, each staff role (the manager owns A, the
// viewer was granted A, neither may see B), an API key with partners:read
// only and one with every scope, and two forged callers holding a real
// session's token on the wrong surface. Routes about a partner are called
// with A's ids, with B's, and where a contact is in the path, with A's
// partner and B's contact. Each answer must be the one the matrix names,
// and no answer may show data of a partner its caller may not see.
//
// The matrix must list every registered route (web.Routes and what
// api.Register puts on the mux): a new route fails this test until a
// line says who may call it.
func TestAccessMatrix(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			f := mxNewFix(t, engine)
			routes := mxRoutes()
			mxCoverage(t, f, routes)
			f.controls()
			calls := 0
			for _, r := range routes {
				calls += f.run(r)
			}
			f.refusalsChangedNothing()
			t.Logf("%d lines, %d actors, %d calls in %s", len(routes), len(f.actors), calls, time.Since(start).Round(time.Millisecond))
		})
	}
}

// mxRoute is one line of the matrix.
type mxRoute struct {
	pattern string  // the route as registered, e.g. "GET /admin/partners/{id}"
	path    string  // what is requested; placeholders such as {P} are filled per side (see mxFix.vals)
	body    string  // a form, JSON for /api/v1, "@logo" (a PNG upload), "@csv:…" (a CSV upload) or "csv:…" (a CSV body); placeholders filled too
	want    string  // one answer per column of mxColumns, see mxWant
	prep    *mxPrep // what each call needs made fresh, or nil
}

// method is the line's HTTP method: its pattern's, or GET for a pattern
// that takes any method.
func (r mxRoute) method() string {
	if m, _, ok := strings.Cut(r.pattern, " "); ok {
		return m
	}
	return http.MethodGet
}

// mxSide is whose ids a call uses.
type mxSide int

const (
	mxNone mxSide = iota // the route takes no partner's ids
	mxA                  // partner A's
	mxB                  // partner B's
	mxMix                // partner A with partner B's contact
)

func (s mxSide) String() string { return [...]string{"", "A", "B", "A+B's contact"}[s] }

// sides lists whose ids the route is called with.
func (r mxRoute) sides() []mxSide {
	s := r.path + " " + r.body
	switch {
	case strings.Contains(s, "{C}"):
		return []mxSide{mxA, mxB, mxMix}
	case slices.ContainsFunc([]string{"{P}", "{F}", "{X}", "{LEAD}", "{DLV}", "{OTHER}"}, func(p string) bool { return strings.Contains(s, p) }):
		return []mxSide{mxA, mxB}
	}
	return []mxSide{mxNone}
}

// mxWant reads a line's expectations: one word per column of mxColumns.
// A word is "ok" (2xx, or a redirect anywhere but a sign-in page), "L"
// (the sign-in page of the path's surface, with the path as next), or a
// status code. "x|y|z" gives the answers for A's ids, B's ids and the mix;
// a last value stands for the sides after it.
func mxWant(r mxRoute, col int, side mxSide) string {
	words := strings.Fields(r.want)
	if len(words) != len(mxColumns) {
		panic(fmt.Sprintf("matrix line %q: %d answers for %d columns", r.pattern, len(words), len(mxColumns)))
	}
	parts := strings.Split(words[col], "|")
	i := max(int(side)-1, 0)
	return parts[min(i, len(parts)-1)]
}

// check says how the answer differs from want, or "".
func (ans mxAnswer) check(want, path string) string {
	login := "/admin/login?next="
	if strings.HasPrefix(path, "/partner") {
		login = "/partner/login?next="
	}
	toLogin := ans.status == http.StatusSeeOther && strings.HasPrefix(ans.location, login)
	switch want {
	case "ok":
		if ans.status < 200 || ans.status > 399 || strings.Contains(ans.location, "/login?next=") {
			return "want an answer (2xx, or a redirect elsewhere than a sign-in page)"
		}
	case "L":
		if !toLogin {
			return "want 303 to " + login + "…"
		}
	default:
		if strconv.Itoa(ans.status) != want {
			return "want " + want
		}
	}
	return ""
}

// run calls one line as every actor with every side's ids and returns how
// many calls it made.
func (f *mxFix) run(r mxRoute) int {
	f.t.Helper()
	method := r.method()
	calls := 0
	for _, side := range r.sides() {
		for _, a := range f.actors {
			v := f.vals(side)
			if r.prep != nil && r.prep.fresh != nil {
				r.prep.fresh(f, side, v)
			}
			path, body := v.fill(r.path), v.fill(r.body)
			ans := f.do(a, method, path, body)
			calls++
			want := mxWant(r, a.col, side)
			what := fmt.Sprintf("%s %s as %s", method, path, a.name)
			if side != mxNone {
				what += " (" + side.String() + ")"
			}
			if msg := ans.check(want, path); msg != "" {
				f.t.Errorf("%s [%s]: got %d %s; %s: %s", what, r.pattern, ans.status, ans.location, msg, ans.summary())
			}
			if m, around := ans.leak(a.hides); m != "" {
				f.t.Errorf("%s [%s]: the answer (%d) shows %q, data of a partner %s may not see: …%s…", what, r.pattern, ans.status, m, a.name, around)
			}
			if r.prep != nil && r.prep.renew && a.renew != nil {
				// The route ends the session it was sent, and only that one.
				if a.forged && !f.alive(a.key) {
					f.t.Errorf("%s [%s]: a token sent on the wrong surface ended the session it belongs to", what, r.pattern)
				}
				if !f.alive(a.admin + a.portal) { // each actor holds one session
					a.renew(a)
				}
			}
		}
	}
	return calls
}

// mxCoverage checks that the matrix lists exactly the registered routes
// and that each line's request reaches its route.
func mxCoverage(t *testing.T, f *mxFix, routes []mxRoute) {
	t.Helper()
	registered := slices.Concat(web.Routes(), f.patterns)
	router := http.NewServeMux()
	seen := map[string]bool{}
	for _, p := range registered {
		if !seen[p] {
			seen[p] = true
			router.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
		}
	}
	listed := map[string]bool{}
	for _, r := range routes {
		listed[r.pattern] = true
		if !seen[r.pattern] {
			t.Errorf("the matrix lists %q, which is not a registered route", r.pattern)
			continue
		}
		method := r.method()
		req, err := http.NewRequest(method, f.base+f.vals(mxA).fill(r.path), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := router.Handler(req); got != r.pattern {
			t.Errorf("the matrix line for %q requests %s %s, which is routed to %q", r.pattern, method, r.path, got)
		}
	}
	for p := range seen {
		if !listed[p] {
			t.Errorf("route %q is not in the access matrix: add a line saying who may call it", p)
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d routes found: is the route listing broken?", len(seen))
	}
}

// controls checks that each partner's markers do show where they may: a
// leak check that finds nothing proves something only if it would find
// them. It runs before the matrix, while both partners are quiet.
func (f *mxFix) controls() {
	f.t.Helper()
	a, b := []string{"azurite", strings.ToLower(f.a.logo)}, []string{"bravura", strings.ToLower(f.b.logo)}
	v := []string{strings.ToLower(mxVendorMarker)}
	for _, c := range []struct {
		actor, path string
		shows       []string
	}{
		{"owner", "/admin/partners/" + f.b.p.ID, b},
		{"owner", "/admin/quiet", []string{"azurite", "bravura"}},
		{"manager", "/admin/quiet", a[:1]},
		{"manager", "/admin/partners/" + f.a.p.ID, a},
		{"viewer", "/admin/partners/" + f.a.p.ID + "/contacts/" + f.a.contact.ID + "/edit", a[:1]},
		{"owner", "/admin/audit.csv", []string{"azurite", "bravura"}},
		{"partnerA", "/partner/", a[:1]},
		{"partnerB", "/partner/profile", b},
		{"keyRead", "/api/v1/partners", []string{"azurite", "bravura"}},
		{"keyAll", "/api/v1/partners/" + f.b.p.ID, b},
		{"keyAll", "/api/v1/partners/" + f.b.p.ID + "/contacts", b[:1]},
		{"owner", "/admin/notifications", b[:1]},
		{"manager", "/admin/notifications", a[:1]},
		// The lead half: A's routing explanation names B, B's secret and
		// receiver hold its marker, the queue and the vendor's deliveries theirs.
		{"owner", "/admin/leads/" + f.a.lead, b[:1]},
		{"keyAll", "/api/v1/leads/" + f.a.lead, b[:1]},
		{"manager", "/admin/leads", a[:1]},
		{"owner", "/admin/leads/unassigned", v},
		{"owner", "/admin/deliveries", []string{"azurite", "bravura", v[0]}},
		{"owner", "/admin/deliveries/" + f.b.dlv, []string{"bravura-buyer", "receiver /bravura/hook answered"}},
		{"keyAll", "/api/v1/deliveries/" + f.subDlv, []string{"azurite", v[0]}},
		{"keyAll", "/api/v1/partners/" + f.b.p.ID + "/delivery-settings", []string{"bravurasigningsecret", "/bravura/hook"}},
		{"partnerB", "/partner/delivery", []string{"bravurasigningsecret", "/bravura/hook"}},
		{"partnerA", "/partner/leads/" + f.a.lead, []string{"alice@azurite-buyer.example"}},
		{"owner", "/admin/imports/" + f.imp + "/errors.csv", b[:1]},
		{"owner", "/admin/settings/webhooks/" + f.sub, v},
	} {
		i := slices.IndexFunc(f.actors, func(a *mxActor) bool { return a.name == c.actor })
		ans := f.do(f.actors[i], http.MethodGet, c.path, "")
		for _, m := range c.shows {
			if found, _ := ans.leak([]string{m}); found == "" {
				f.t.Errorf("control: GET %s as %s (%d) does not show %q, so the leak check could not see it either", c.path, c.actor, ans.status, m)
			}
		}
	}
}

// refusalsChangedNothing reads the audit log for what the restricted
// callers did: every change they made must concern a partner they may
// see, so no refused call changed anything of another partner's.
func (f *mxFix) refusalsChangedNothing() {
	f.t.Helper()
	staff := func(u *ally.User) ally.Actor { return ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Role: u.Role} }
	partner := func(p *mxPartner) ally.Actor {
		return ally.Actor{Kind: ally.ActorPartner, ID: p.user.ID, PartnerID: p.p.ID}
	}
	for _, who := range []ally.Actor{staff(f.mgr), staff(f.viewer), partner(f.a), partner(f.b)} {
		filter := ally.AuditFilter{ActorID: who.ID, Limit: ally.MaxLimit}
		changes := 0
		for {
			page, err := f.app.AuditEvents(f.ctx, mxSys, filter)
			f.must(err)
			for _, e := range page.Items {
				if e.PartnerID == "" {
					continue
				}
				changes++
				sees := e.PartnerID == who.PartnerID
				if who.Kind == ally.ActorStaff {
					_, err := f.app.Partner(f.ctx, who, e.PartnerID)
					sees = err == nil
				}
				if !sees {
					f.t.Errorf("%s did %s on partner %s, which they may not see", e.ActorLabel, e.Action, e.PartnerID)
				}
			}
			if page.Next == "" {
				break
			}
			filter.Before = page.Next
		}
		// The manager and the partner users changed their own partners in
		// the matrix; none is a sign that the audit log was not read right.
		if changes == 0 && who.Role != ally.RoleViewer {
			f.t.Errorf("no audit events of %s %s about a partner: the check above saw nothing", who.Kind, who.ID)
		}
	}
}
