package web_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// profilePartner makes a partner whose profile shows a property of every
// kind the form renders: read-only core fields (name, tier), editable core
// fields (website, description, logo) and editable custom properties.
func (e *uiEnv) profilePartner(name string) *ally.Partner {
	e.t.Helper()
	for _, d := range []ally.PropertyFields{
		{Key: uiPtr("industry"), Label: uiPtr("Industry"), Type: uiPtr(ally.TypeSelect), Source: uiPtr(ally.SourceCustom), Options: &[]string{"Retail", "Banking"}},
		{Key: uiPtr("regions"), Label: uiPtr("Regions"), Type: uiPtr(ally.TypeMultiSelect), Source: uiPtr(ally.SourceCRM), Options: &[]string{"EMEA", "APAC", "AMER"}},
		{Key: uiPtr("employees"), Label: uiPtr("Employees"), Type: uiPtr(ally.TypeNumber), Source: uiPtr(ally.SourceCustom)},
		{Key: uiPtr("reseller"), Label: uiPtr("Resells our products"), Type: uiPtr(ally.TypeBoolean), Source: uiPtr(ally.SourceCustom)},
		{Key: uiPtr("founded"), Label: uiPtr("Founded"), Type: uiPtr(ally.TypeDate), Source: uiPtr(ally.SourceCustom)},
	} {
		if _, err := e.app.CreatePropertyDefinition(e.ctx, e.admin, d); err != nil && ally.ErrorCode(err) != ally.ECodeConflict {
			e.t.Fatal(err)
		}
	}
	p := e.portalPartner(name,
		ally.ProfileField{Key: ally.CoreName}, ally.ProfileField{Key: ally.CoreLogo, Editable: true},
		ally.ProfileField{Key: ally.CoreTier}, ally.ProfileField{Key: ally.CoreWebsite, Editable: true},
		ally.ProfileField{Key: ally.CoreDescription, Editable: true}, ally.ProfileField{Key: "industry", Editable: true},
		ally.ProfileField{Key: "regions", Editable: true}, ally.ProfileField{Key: "employees", Editable: true},
		ally.ProfileField{Key: "reseller", Editable: true}, ally.ProfileField{Key: "founded"})
	gold, err := e.app.CreateTier(e.ctx, e.admin, ally.TierFields{Name: uiPtr("Gold " + name)})
	if err != nil {
		e.t.Fatal(err)
	}
	p, err = e.app.UpdatePartner(e.ctx, e.admin, p.ID, ally.PartnerFields{TierID: &gold.ID, Website: uiPtr("https://old.example")}, app.UpdatePartnerOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func TestPortalProfileEdit(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.profilePartner("Acme")
		b := e.signedInAt(p, "pat@acme.example")

		pg := b.get("/partner/profile")
		wantUI(t, pg, http.StatusOK, "Gold Acme", "https://old.example", `name="website"`, `<textarea id="f-description"`,
			`<select id="f-industry"`, `type="checkbox" name="regions" value="APAC"`, `type="number"`, `name="reseller" value="true"`,
			`type="file" name="logo"`)
		for _, readOnly := range []string{`name="name"`, `name="tier"`, `name="founded"`} {
			if strings.Contains(pg.body, readOnly) {
				t.Fatalf("read-only %s is a form field", readOnly)
			}
		}
		version := uiVersion(t, pg)

		pg = b.post("/partner/profile", url.Values{
			"version": {version}, "website": {"https://new.example"}, "description": {"We resell."},
			"industry": {"Banking"}, "regions": {"", "EMEA", "APAC"}, "employees": {"42"}, "reseller": {"true", "false"},
		})
		if pg.uri() != "/partner/profile?ok=saved" {
			t.Fatalf("save ended at %s: %s", pg.uri(), pg.body)
		}
		wantUI(t, pg, http.StatusOK, "Saved.", `value="https://new.example"`, "We resell.", `<option selected>Banking</option>`,
			`value="EMEA" checked`, `value="42"`, `value="true" checked`)
		got, err := e.app.Partner(e.ctx, e.admin, p.ID)
		if err != nil || got.Website != "https://new.example" || got.CustomProperties["industry"] != "Banking" || got.CustomProperties["reseller"] != true {
			t.Fatalf("partner after edit: %+v %v", got, err)
		}
		evs := e.audits("partner.profile_updated")
		if len(evs) != 1 || evs[0].ActorKind != ally.ActorPartner || evs[0].PartnerID != p.ID ||
			evs[0].Changes["website"].Before != "https://old.example" || evs[0].Changes["website"].After != "https://new.example" {
			t.Fatalf("audit: %+v", evs)
		}

		// A crafted post naming read-only properties is refused whole.
		before := got
		for _, key := range []string{"tier", "name", "founded", "partnerId"} {
			pg = b.post("/partner/profile", url.Values{"version": {strconv.FormatInt(before.Version, 10)}, "website": {"https://sneaky.example"}, key: {"x"}})
			wantUI(t, pg, http.StatusUnprocessableEntity, "is read-only")
		}
		after, _ := e.app.Partner(e.ctx, e.admin, p.ID)
		if after.Version != before.Version || after.Website != "https://new.example" || after.Name != "Acme" || after.TierID != before.TierID {
			t.Fatalf("a refused edit changed the partner: %+v", after)
		}

		// A value of the wrong shape is shown beside its field, with what was typed.
		pg = b.post("/partner/profile", url.Values{"version": {strconv.FormatInt(before.Version, 10)}, "website": {"not a url"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, `id="e-website"`, `value="not a url"`)

		// A stale version: the fresh values come back, nothing is saved.
		if _, err := e.app.UpdatePartner(e.ctx, e.admin, p.ID, ally.PartnerFields{Website: uiPtr("https://staff.example")}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		pg = b.post("/partner/profile", url.Values{"version": {strconv.FormatInt(before.Version, 10)}, "website": {"https://mine.example"}})
		wantUI(t, pg, http.StatusPreconditionFailed, "Someone else changed this profile", `value="https://staff.example"`)
		if len(e.audits("partner.profile_updated")) != 1 {
			t.Fatal("refused edits were audited as changes")
		}
	})
}

// portalLogoUpload posts data as the logo file, without following the redirect.
func portalLogoUpload(t *testing.T, b *uiBrowser, data []byte) uiPage {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("logo", "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(data)
	_ = w.Close()
	return b.postRaw("/partner/profile/logo", w.FormDataContentType(), &body, nil)
}

func TestPortalLogoUpload(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.profilePartner("Acme")
		b := e.signedInAt(p, "pat@acme.example")

		var img bytes.Buffer
		if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
			t.Fatal(err)
		}
		pg := portalLogoUpload(t, b, img.Bytes())
		if pg.status != http.StatusSeeOther || pg.location() != "/partner/profile?ok=logo" {
			t.Fatalf("png upload: %d %s %s", pg.status, pg.location(), pg.body)
		}
		pg = b.get("/partner/profile")
		src := regexp.MustCompile(`<img class="logo-preview" src="(/files/file_[^"]+)"`).FindStringSubmatch(pg.body)
		if src == nil {
			t.Fatalf("no logo on the profile: %s", pg.body)
		}
		f := b.get(src[1])
		if f.status != http.StatusOK || f.body != img.String() {
			t.Fatalf("logo file: %d", f.status)
		}

		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		wantUI(t, portalLogoUpload(t, b, svg), http.StatusUnprocessableEntity, "must be a PNG, JPEG or WebP image")

		big := append(append([]byte{}, img.Bytes()...), make([]byte, app.MaxLogoBytes)...)
		wantUI(t, portalLogoUpload(t, b, big), http.StatusUnprocessableEntity, "at most 1 MB")
		huge := append(append([]byte{}, img.Bytes()...), make([]byte, 2*app.MaxLogoBytes)...)
		wantUI(t, portalLogoUpload(t, b, huge), http.StatusRequestEntityTooLarge, "at most 1 MB")

		got, _ := e.app.Partner(e.ctx, e.admin, p.ID)
		if got.LogoURL != src[1] {
			t.Fatalf("refused uploads replaced the logo: %s", got.LogoURL)
		}
		if n := len(e.audits("partner.profile_updated")); n != 1 {
			t.Fatalf("%d profile audits, want 1", n)
		}
	})
}
