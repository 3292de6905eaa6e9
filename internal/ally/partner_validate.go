package ally

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on partner fields. The API schema states the same numbers.
const (
	MaxNameLen        = 200
	MaxDomainLen      = 255
	MaxURLLen         = 2048
	MaxPhoneLen       = 50
	MaxDescriptionLen = 5000
	MaxCategories     = 50
	MaxCategoryLen    = 64
	MaxExternalIDLen  = 255
	MaxPropertyKeys   = 200
	MaxPropertyKeyLen = 100
	MaxPropertyBytes  = 64 << 10 // one property map, encoded
)

var (
	domainLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	phoneChars  = regexp.MustCompile(`^[0-9+() .\-/x]*$`)
	propertyKey = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]*$`)
)

// NormalizeDomain lowercases d and drops surrounding space and a trailing dot.
func NormalizeDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
}

// validDomain accepts host names like "acme.example": two or more labels, no scheme or path.
func validDomain(d string) bool {
	if len(d) == 0 || len(d) > MaxDomainLen {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !domainLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// validWebURL accepts empty, or an absolute http(s) URL with a host.
func validWebURL(s string) bool {
	if s == "" {
		return true
	}
	if len(s) > MaxURLLen {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Normalize trims text fields and lowercases the domain, in place.
func (f *PartnerFields) Normalize() {
	for _, s := range []*string{f.Name, f.Website, f.LogoURL, f.Phone, f.Description,
		f.ExternalID, f.ExternalIDType, f.ExternalCompanyID, f.TierID, f.PhaseID, f.OwnerID,
		f.ManagerID, f.ChampionContactID, f.PrimaryContactID, f.ExperienceTemplateID} {
		if s != nil {
			*s = strings.TrimSpace(*s)
		}
	}
	if f.Domain != nil {
		*f.Domain = NormalizeDomain(*f.Domain)
	}
	if f.Categories != nil {
		seen := map[string]bool{}
		out := []string{}
		for _, c := range *f.Categories {
			c = strings.TrimSpace(c)
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
		*f.Categories = out
	}
}

// Validate checks every given field and reports all problems at once.
// creating requires a name. Call Normalize first.
func (f *PartnerFields) Validate(creating bool) error {
	var v Validator
	texts := []struct {
		field string
		s     *string
	}{
		{"name", f.Name}, {"domain", f.Domain}, {"website", f.Website}, {"logoUrl", f.LogoURL},
		{"phone", f.Phone}, {"description", f.Description}, {"tierId", f.TierID}, {"phaseId", f.PhaseID},
		{"partnerOwnerId", f.OwnerID}, {"managerId", f.ManagerID}, {"championContactId", f.ChampionContactID},
		{"primaryContactId", f.PrimaryContactID}, {"experienceTemplateId", f.ExperienceTemplateID},
		{"externalId", f.ExternalID}, {"externalIdType", f.ExternalIDType}, {"externalCompanyId", f.ExternalCompanyID},
	}
	for _, t := range texts {
		if t.s != nil && !PlainText(*t.s) {
			v.Add(t.field, "must be UTF-8 text without NUL characters")
		}
	}
	if f.Categories != nil && slices.ContainsFunc(*f.Categories, func(c string) bool { return !PlainText(c) }) {
		v.Add("categories", "must be UTF-8 text without NUL characters")
	}
	if f.Name == nil {
		v.Check(!creating, "name", "is required")
	} else {
		n := utf8.RuneCountInString(*f.Name)
		v.Check(n >= 1 && n <= MaxNameLen, "name", "must be 1 to 200 characters")
	}
	if f.Domain != nil && *f.Domain != "" {
		v.Check(validDomain(*f.Domain), "domain", "must be a domain name like acme.example, without scheme or path")
	}
	if f.Website != nil {
		v.Check(validWebURL(*f.Website), "website", "must be an http or https URL")
	}
	if f.LogoURL != nil {
		v.Check(validWebURL(*f.LogoURL), "logoUrl", "must be an http or https URL")
	}
	if f.Phone != nil {
		v.Check(len(*f.Phone) <= MaxPhoneLen && phoneChars.MatchString(*f.Phone), "phone", "must be at most 50 characters of digits, spaces and + ( ) - . /")
	}
	if f.Description != nil {
		v.Check(utf8.RuneCountInString(*f.Description) <= MaxDescriptionLen, "description", "must be at most 5000 characters")
	}
	if f.Status != nil {
		v.Check(f.Status.Valid() && *f.Status != StatusArchived, "status", "must be onboarding, active or dormant (archive and restore have their own actions)")
	}
	if f.PortalAccess != nil {
		v.Check(f.PortalAccess.Valid(), "portalAccess", "must be RESTRICTED_USERS or RESTRICTED_DOMAINS")
		// Introw's contract: the access mode is published with a template.
		v.Check(f.ExperienceTemplateID != nil && *f.ExperienceTemplateID != "", "portalAccess", "can only be set together with experienceTemplateId")
	}
	if f.Categories != nil {
		v.Check(len(*f.Categories) <= MaxCategories, "categories", "must hold at most 50 categories")
		for _, c := range *f.Categories {
			if n := utf8.RuneCountInString(c); n < 1 || n > MaxCategoryLen {
				v.Add("categories", "each category must be 1 to 64 characters")
				break
			}
		}
	}
	if f.ExternalID != nil {
		v.Check(len(*f.ExternalID) <= MaxExternalIDLen, "externalId", "must be at most 255 characters")
	}
	if f.ExternalIDType != nil {
		v.Check(len(*f.ExternalIDType) <= 50, "externalIdType", "must be at most 50 characters")
	}
	if f.ExternalCompanyID != nil {
		v.Check(len(*f.ExternalCompanyID) <= MaxExternalIDLen, "externalCompanyId", "must be at most 255 characters")
	}
	validateProperties(&v, "partnerObjectCrmProperties", f.PartnerCRMProperties)
	validateProperties(&v, "companyCrmProperties", f.CompanyCRMProperties)
	validateProperties(&v, "customProperties", f.CustomProperties)
	return v.Err()
}

func validateProperties(v *Validator, field string, m *map[string]any) {
	if m == nil {
		return
	}
	if len(*m) > MaxPropertyKeys {
		v.Add(field, "must hold at most %d properties", MaxPropertyKeys)
		return
	}
	size := 0
	for k, val := range *m {
		if len(k) > MaxPropertyKeyLen || !propertyKey.MatchString(k) {
			v.Add(field, "property name %q must be 1 to 100 letters, digits, _ . or -", truncate(k, 40))
			return
		}
		if !PlainText(k) || !plainValue(val) {
			v.Add(field, "property %q must be UTF-8 text without NUL characters", truncate(k, 40))
			return
		}
		switch x := val.(type) {
		case nil, bool, float64, string:
			if s, ok := x.(string); ok {
				size += len(s)
			}
		case []any:
			for _, e := range x {
				if _, ok := e.(string); !ok {
					v.Add(field, "property %q: lists may hold only strings", k)
					return
				}
				size += len(e.(string))
			}
		default:
			v.Add(field, "property %q must be a string, number, boolean, null or list of strings", k)
			return
		}
		size += len(k)
	}
	v.Check(size <= MaxPropertyBytes, field, "must be at most 64 KiB in all")
}

// PlainText reports whether s is valid UTF-8 without NUL: what every text
// column on both engines can store (PostgreSQL refuses NUL and bad UTF-8).
func PlainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

func plainValue(val any) bool {
	switch x := val.(type) {
	case string:
		return PlainText(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && !PlainText(s) {
				return false
			}
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Apply copies the given fields onto p. Validate first.
func (f *PartnerFields) Apply(p *Partner) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&p.Name, f.Name)
	set(&p.Domain, f.Domain)
	set(&p.Website, f.Website)
	set(&p.LogoURL, f.LogoURL)
	set(&p.Phone, f.Phone)
	set(&p.Description, f.Description)
	set(&p.TierID, f.TierID)
	set(&p.PhaseID, f.PhaseID)
	set(&p.OwnerID, f.OwnerID)
	set(&p.ManagerID, f.ManagerID)
	set(&p.ChampionContactID, f.ChampionContactID)
	set(&p.PrimaryContactID, f.PrimaryContactID)
	set(&p.ExperienceTemplateID, f.ExperienceTemplateID)
	set(&p.ExternalID, f.ExternalID)
	set(&p.ExternalIDType, f.ExternalIDType)
	set(&p.ExternalCompanyID, f.ExternalCompanyID)
	if f.Status != nil {
		p.Status = *f.Status
	}
	if f.PortalAccess != nil {
		p.PortalAccess = *f.PortalAccess
	}
	if f.Categories != nil {
		p.Categories = *f.Categories
	}
	if f.PartnerCRMProperties != nil {
		p.PartnerCRMProperties = *f.PartnerCRMProperties
	}
	if f.CompanyCRMProperties != nil {
		p.CompanyCRMProperties = *f.CompanyCRMProperties
	}
	if f.CustomProperties != nil {
		p.CustomProperties = *f.CustomProperties
	}
}
