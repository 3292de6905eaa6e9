package e2e_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"

	"github.com/allyprm/ally/internal/app"
)

// mxActor is one caller of the matrix: the credentials it sends and the
// partners whose data it must never be shown.
type mxActor struct {
	name   string
	col    int    // its column in the matrix (see mxColumns); forged callers share anon's
	admin  string // the ally_admin cookie, sent to /admin as a browser would
	portal string // the ally_portal cookie, sent to /partner
	key    string // x-api-key, sent everywhere
	hides  []string
	renew  func(*mxActor) // signs in again, for routes that end the session
	forged bool           // holds a real session's token on the wrong surface
}

// mxColumns names the matrix's columns, in order.
var mxColumns = []string{"anon", "partnerA", "partnerB", "owner", "admin", "manager", "viewer", "keyRead", "keyAll"}

// signIn signs every actor in through the real sign-in forms.
func (f *mxFix) signIn() {
	f.t.Helper()
	// What only those who see every partner may see is hidden from all
	// others, along with the partners they may not see.
	vendor := strings.ToLower(mxVendorMarker)
	aMarks := []string{"azurite", strings.ToLower(f.a.logo), vendor}
	bMarks := []string{"bravura", strings.ToLower(f.b.logo), vendor}
	both := append(append([]string{}, aMarks...), bMarks[:2]...)
	staff := func(name string, col int, email string, hides []string) *mxActor {
		return &mxActor{name: name, col: col, hides: hides, renew: func(a *mxActor) { a.admin = f.formSignIn("/admin", email) }}
	}
	partner := func(name string, col int, email string, hides []string) *mxActor {
		return &mxActor{name: name, col: col, hides: hides, renew: func(a *mxActor) { a.portal = f.formSignIn("/partner", email) }}
	}
	f.actors = []*mxActor{
		{name: "anon", col: 0, hides: both},
		partner("partnerA", 1, f.a.user.Email, bMarks),
		partner("partnerB", 2, f.b.user.Email, aMarks),
		staff("owner", 3, f.owner.Email, nil),
		staff("admin", 4, f.admin.Email, nil),
		staff("manager", 5, f.mgr.Email, bMarks),
		staff("viewer", 6, f.viewer.Email, bMarks),
		{name: "keyRead", col: 7, key: f.keyRead},
		{name: "keyAll", col: 8, key: f.keyAll},
		// A partner user's token as the admin cookie and as an API key, and
		// a staff token as the portal cookie and as an API key: each must
		// count for nothing there, so they expect what anon gets.
		{name: "portalTokenElsewhere", col: 0, hides: both, forged: true, renew: func(a *mxActor) {
			a.admin = f.formSignIn("/partner", f.a.user.Email)
			a.key = a.admin
		}},
		{name: "staffTokenElsewhere", col: 0, hides: both, forged: true, renew: func(a *mxActor) {
			a.portal = f.formSignIn("/admin", f.admin.Email)
			a.key = a.portal
		}},
	}
	for _, a := range f.actors {
		if a.renew != nil {
			a.renew(a)
		}
	}
}

// formSignIn signs in through the surface's form as a browser would and
// returns the session cookie it was given.
func (f *mxFix) formSignIn(surface, email string) string {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {email}, "password": {mxPassword}}
	req, _ := http.NewRequest(http.MethodPost, f.base+surface+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	f.must(err)
	_ = res.Body.Close()
	name := map[string]string{"/admin": "ally_admin", "/partner": "ally_portal"}[surface]
	for _, ck := range res.Cookies() {
		if ck.Name == name && ck.Value != "" {
			if ck.Path != surface || !ck.HttpOnly {
				f.t.Fatalf("%s's %s cookie has path %q, HttpOnly %v; want %q and HttpOnly", email, name, ck.Path, ck.HttpOnly, surface)
			}
			return ck.Value
		}
	}
	f.t.Fatalf("signing in at %s as %s: %d to %s without a %s cookie", surface, email, res.StatusCode, res.Header.Get("Location"), name)
	return ""
}

// alive reports whether a session token still signs anyone in.
func (f *mxFix) alive(token string) bool {
	_, _, err := f.app.Authenticate(f.ctx, token, app.ClientMeta{})
	return err == nil
}

// mxAnswer is one response, read whole.
type mxAnswer struct {
	status   int
	location string
	header   http.Header
	body     string
}

var mxClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends one request as the actor: its cookies where a browser would
// send them (each is scoped to its surface's path), its key as x-api-key,
// and, on unsafe methods, the headers of a same-origin form so the
// cross-origin check passes and authorization is what answers.
func (f *mxFix) do(a *mxActor, method, path, body string) mxAnswer {
	f.t.Helper()
	var rd io.Reader
	ctype := ""
	switch {
	case body == "@logo":
		rd, ctype = mxUpload("logo", "logo.png", mxPNG())
	case strings.HasPrefix(body, "@csv:"): // a form uploading the CSV file that follows
		rd, ctype = mxUpload("file", "matrix.csv", []byte(strings.TrimPrefix(body, "@csv:")))
	case strings.HasPrefix(body, "csv:"): // the CSV file that follows as the body itself
		rd, ctype = strings.NewReader(strings.TrimPrefix(body, "csv:")), "text/csv"
	case strings.HasPrefix(path, "/api/") && body != "":
		rd, ctype = strings.NewReader(body), "application/json"
	case method != http.MethodGet:
		rd, ctype = strings.NewReader(body), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(method, f.base+path, rd)
	f.must(err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method != http.MethodGet {
		req.Header.Set("Origin", f.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	under := func(prefix string) bool {
		p, _, _ := strings.Cut(path, "?")
		return p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	if a.admin != "" && under("/admin") {
		req.AddCookie(&http.Cookie{Name: "ally_admin", Value: a.admin})
	}
	if a.portal != "" && under("/partner") {
		req.AddCookie(&http.Cookie{Name: "ally_portal", Value: a.portal})
	}
	if a.key != "" {
		req.Header.Set("X-Api-Key", a.key)
	}
	res, err := mxClient.Do(req)
	f.must(err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	f.must(err)
	return mxAnswer{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: string(data)}
}

// mxUpload is a multipart form holding one file.
func mxUpload(field, name string, data []byte) (io.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

var (
	mxTitleRE = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	mxMainRE  = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	mxTagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// summary is the answer in a line: a page's title and text, or the start of the body.
func (ans mxAnswer) summary() string {
	s := ans.body
	if t := mxTitleRE.FindStringSubmatch(s); t != nil {
		text := s
		if m := mxMainRE.FindStringSubmatch(s); m != nil {
			text = m[1]
		}
		s = t[1] + ": " + mxTagRE.ReplaceAllString(text, " ")
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// leak returns the first marker of a hidden partner found in the answer
// (its body, its redirect or its download name), with what surrounds it.
func (ans mxAnswer) leak(hides []string) (string, string) {
	all := strings.ToLower(ans.body + "\n" + ans.location + "\n" + ans.header.Get("Content-Disposition"))
	for _, m := range hides {
		if i := strings.Index(all, m); i >= 0 {
			from, to := max(i-200, 0), min(i+len(m)+200, len(all))
			return m, strings.Join(strings.Fields(all[from:to]), " ")
		}
	}
	return "", ""
}
