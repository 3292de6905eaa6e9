package ally_test

import (
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func ptr[T any](v T) *T { return &v }

// fieldsOf returns the names of the fields an error reports, or nil.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := err.(*ally.Error)
	if !ok || e.Code != ally.ECodeInvalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestPartnerFieldsValidate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	status := func(s ally.PartnerStatus) *ally.PartnerStatus { return &s }
	access := func(s ally.PortalAccess) *ally.PortalAccess { return &s }
	props := func(m map[string]any) *map[string]any { return &m }
	cats := func(c ...string) *[]string { return &c }
	tests := []struct {
		name     string
		creating bool
		f        ally.PartnerFields
		want     string // the one bad field, "" when valid
	}{
		{"name required on create", true, ally.PartnerFields{}, "name"},
		{"name optional on update", false, ally.PartnerFields{}, ""},
		{"name ok", true, ally.PartnerFields{Name: ptr("Acme")}, ""},
		{"name empty", false, ally.PartnerFields{Name: ptr("  ")}, "name"},
		{"name 200 runes", true, ally.PartnerFields{Name: ptr(strings.Repeat("é", 200))}, ""},
		{"name 201", true, ally.PartnerFields{Name: ptr(long(201))}, "name"},
		{"domain ok", false, ally.PartnerFields{Domain: ptr("Acme.Example.")}, ""},
		{"domain empty clears", false, ally.PartnerFields{Domain: ptr("")}, ""},
		{"domain scheme", false, ally.PartnerFields{Domain: ptr("https://acme.example")}, "domain"},
		{"domain path", false, ally.PartnerFields{Domain: ptr("acme.example/x")}, "domain"},
		{"domain one label", false, ally.PartnerFields{Domain: ptr("localhost")}, "domain"},
		{"domain too long", false, ally.PartnerFields{Domain: ptr(long(250) + ".example")}, "domain"},
		{"domain bad label", false, ally.PartnerFields{Domain: ptr("-acme.example")}, "domain"},
		{"website ok", false, ally.PartnerFields{Website: ptr("https://acme.example/about")}, ""},
		{"website empty", false, ally.PartnerFields{Website: ptr("")}, ""},
		{"website javascript", false, ally.PartnerFields{Website: ptr("javascript:alert(1)")}, "website"},
		{"website relative", false, ally.PartnerFields{Website: ptr("/about")}, "website"},
		{"logo ftp", false, ally.PartnerFields{LogoURL: ptr("ftp://x.example/l.png")}, "logoUrl"},
		{"phone ok", false, ally.PartnerFields{Phone: ptr("+32 (0)9 123-45.67")}, ""},
		{"phone letters", false, ally.PartnerFields{Phone: ptr("call me")}, "phone"},
		{"phone long", false, ally.PartnerFields{Phone: ptr(strings.Repeat("1", 51))}, "phone"},
		{"description long", false, ally.PartnerFields{Description: ptr(long(5001))}, "description"},
		{"status active", false, ally.PartnerFields{Status: status(ally.StatusActive)}, ""},
		{"status archived refused", false, ally.PartnerFields{Status: status(ally.StatusArchived)}, "status"},
		{"status unknown", false, ally.PartnerFields{Status: status("gone")}, "status"},
		{"portal access with template", false, ally.PartnerFields{PortalAccess: access(ally.AccessRestrictedDomains), ExperienceTemplateID: ptr("exp_1")}, ""},
		{"portal access alone", false, ally.PartnerFields{PortalAccess: access(ally.AccessRestrictedDomains)}, "portalAccess"},
		{"portal access unknown", false, ally.PartnerFields{PortalAccess: access("OPEN"), ExperienceTemplateID: ptr("exp_1")}, "portalAccess"},
		{"categories ok", false, ally.PartnerFields{Categories: cats("Reseller", "MSP")}, ""},
		{"category empty", false, ally.PartnerFields{Categories: cats("Reseller", " ")}, "categories"},
		{"category long", false, ally.PartnerFields{Categories: cats(long(65))}, "categories"},
		{"externalId long", false, ally.PartnerFields{ExternalID: ptr(long(256))}, "externalId"},
		{"externalIdType long", false, ally.PartnerFields{ExternalIDType: ptr(long(51))}, "externalIdType"},
		{"externalCompanyId long", false, ally.PartnerFields{ExternalCompanyID: ptr(long(256))}, "externalCompanyId"},
		{"props ok", false, ally.PartnerFields{CustomProperties: props(map[string]any{"industry": "Retail", "employees": 40.0, "eu": true, "x": nil, "langs": []any{"nl", "fr"}})}, ""},
		{"props bad key", false, ally.PartnerFields{CustomProperties: props(map[string]any{"bad key": "x"})}, "customProperties"},
		{"props nested object", false, ally.PartnerFields{PartnerCRMProperties: props(map[string]any{"a": map[string]any{}})}, "partnerObjectCrmProperties"},
		{"props list of numbers", false, ally.PartnerFields{CompanyCRMProperties: props(map[string]any{"a": []any{1.0}})}, "companyCrmProperties"},
		{"props too big", false, ally.PartnerFields{CustomProperties: props(map[string]any{"a": long(65 << 10)})}, "customProperties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Normalize()
			got := fieldsOf(t, tt.f.Validate(tt.creating))
			switch {
			case tt.want == "" && got != nil:
				t.Fatalf("want valid, got errors on %v", got)
			case tt.want != "" && (len(got) != 1 || got[0] != tt.want):
				t.Fatalf("want one error on %q, got %v", tt.want, got)
			}
		})
	}
}

func TestPartnerFieldsReportsEveryBadField(t *testing.T) {
	f := ally.PartnerFields{Name: ptr(""), Website: ptr("nope"), Phone: ptr("abc")}
	got := fieldsOf(t, f.Validate(true))
	if strings.Join(got, ",") != "name,website,phone" {
		t.Fatalf("got %v", got)
	}
}

func TestPartnerFieldsNormalize(t *testing.T) {
	f := ally.PartnerFields{Name: ptr("  Acme  "), Domain: ptr(" ACME.Example. "), Categories: &[]string{" MSP", "MSP", "Reseller"}}
	f.Normalize()
	if *f.Name != "Acme" || *f.Domain != "acme.example" || strings.Join(*f.Categories, ",") != "MSP,Reseller" {
		t.Fatalf("got %q %q %v", *f.Name, *f.Domain, *f.Categories)
	}
}

func TestCatalogValidate(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"tier ok", (&ally.TierFields{Name: ptr("Gold"), Rank: ptr(3), PricePerLeadCents: ptr(int64(1250))}).Validate(true), ""},
		{"tier no name", (&ally.TierFields{}).Validate(true), "name"},
		{"tier negative rank", (&ally.TierFields{Rank: ptr(-1)}).Validate(false), "rank"},
		{"tier negative price", (&ally.TierFields{PricePerLeadCents: ptr(int64(-5))}).Validate(false), "pricePerLeadCents"},
		{"phase ok", (&ally.PhaseFields{Name: ptr("Grow"), Position: ptr(4)}).Validate(true), ""},
		{"phase long name", (&ally.PhaseFields{Name: ptr(strings.Repeat("p", 101))}).Validate(false), "name"},
		{"phase bad position", (&ally.PhaseFields{Position: ptr(1001)}).Validate(false), "position"},
		{"template blank name", (&ally.ExperienceTemplateFields{Name: ptr(" ")}).Validate(false), "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fieldsOf(t, tt.err)
			if (tt.want == "" && got != nil) || (tt.want != "" && (len(got) != 1 || got[0] != tt.want)) {
				t.Fatalf("want %q, got %v", tt.want, got)
			}
		})
	}
}

func TestNewUserValidate(t *testing.T) {
	ok := ally.NewUser{Email: " Ana@Vendor.Example ", Role: ally.RoleAdmin, Password: "correct horse battery"}
	tests := []struct {
		name string
		edit func(*ally.NewUser)
		want string
	}{
		{"ok", func(*ally.NewUser) {}, ""},
		{"email missing at", func(u *ally.NewUser) { u.Email = "ana.vendor.example" }, "email"},
		{"email display name", func(u *ally.NewUser) { u.Email = "Ana <ana@vendor.example>" }, "email"},
		{"email no dot in domain", func(u *ally.NewUser) { u.Email = "ana@localhost" }, "email"},
		{"role unknown", func(u *ally.NewUser) { u.Role = "god" }, "role"},
		{"password short", func(u *ally.NewUser) { u.Password = "short" }, "password"},
		{"name long", func(u *ally.NewUser) { u.Name = strings.Repeat("n", 201) }, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ok
			tt.edit(&u)
			got := fieldsOf(t, u.Validate())
			if (tt.want == "" && got != nil) || (tt.want != "" && (len(got) != 1 || got[0] != tt.want)) {
				t.Fatalf("want %q, got %v", tt.want, got)
			}
			if tt.want == "" && u.Email != "ana@vendor.example" {
				t.Fatalf("email not normalized: %q", u.Email)
			}
		})
	}
}

func TestNewAPIKeyValidate(t *testing.T) {
	tests := []struct {
		name string
		k    ally.NewAPIKey
		want string
	}{
		{"ok", ally.NewAPIKey{Name: "ci", Scopes: []ally.Scope{ally.ScopePartnersRead}}, ""},
		{"all scopes by default", ally.NewAPIKey{Name: "ci"}, ""},
		{"no name", ally.NewAPIKey{Name: " "}, "name"},
		{"unknown scope", ally.NewAPIKey{Name: "ci", Scopes: []ally.Scope{"partners:delete"}}, "scopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fieldsOf(t, tt.k.Validate())
			if (tt.want == "" && got != nil) || (tt.want != "" && (len(got) != 1 || got[0] != tt.want)) {
				t.Fatalf("want %q, got %v", tt.want, got)
			}
		})
	}
}

func TestPartnerFieldsRefuseNULAndBadUTF8(t *testing.T) {
	tests := []struct {
		f    ally.PartnerFields
		want string
	}{
		{ally.PartnerFields{Name: ptr("a\x00b")}, "name"},
		{ally.PartnerFields{Description: ptr("bad \xff")}, "description"},
		{ally.PartnerFields{ExternalID: ptr("\x00")}, "externalId"},
		{ally.PartnerFields{Categories: &[]string{"ok", "n\x00"}}, "categories"},
		{ally.PartnerFields{CustomProperties: &map[string]any{"k": "v\x00"}}, "customProperties"},
		{ally.PartnerFields{CustomProperties: &map[string]any{"k": []any{"\xff"}}}, "customProperties"},
	}
	for _, tt := range tests {
		got := fieldsOf(t, tt.f.Validate(false))
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("want an error on %s, got %v", tt.want, got)
		}
	}
}
