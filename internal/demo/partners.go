package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Details the partners draw from.
func industries() []string {
	return []string{"Software", "IT Services", "Telecommunications", "Financial Services",
		"Healthcare", "Manufacturing", "Retail", "Education", "Public Sector"}
}

func specializations() []string {
	return []string{"Security", "Cloud migration", "Data & analytics", "Networking",
		"Collaboration", "Compliance", "Customer experience", "DevOps"}
}

func (s *seeder) seedPartners(ctx context.Context, r *rand.Rand) error {
	for i, c := range companies() {
		// Draw every number first, so a partner found from an earlier run
		// consumes the stream exactly as a new one does.
		f, archive := s.partnerFields(r, i, c)
		if _, err := s.app.Partner(ctx, s.actor, *f.ExternalID); err == nil {
			s.res.PartnersFound++
			continue
		} else if !ally.IsNotFound(err) {
			return fmt.Errorf("demo: looking up partner %s: %w", c.name, err)
		}
		p, _, err := s.app.CreatePartner(ctx, s.actor, f)
		if err != nil {
			return fmt.Errorf("demo: creating partner %s: %w", c.name, err)
		}
		if archive {
			if _, err := s.app.ArchivePartner(ctx, s.actor, p.ID, app.UpdatePartnerOptions{}); err != nil {
				return fmt.Errorf("demo: archiving partner %s: %w", c.name, err)
			}
		}
		s.res.PartnersCreated++
	}
	return nil
}

// partnerFields makes the i-th demo partner, and says whether it ends archived.
func (s *seeder) partnerFields(r *rand.Rand, i int, c company) (ally.PartnerFields, bool) {
	domain := domainOf(c.name)
	phase := weightedPhase(r)
	tier := s.tiers[tierFor(r, phase)]
	status := ally.StatusOnboarding
	if phase >= 2 {
		status = ally.StatusActive
		if r.IntN(5) == 0 {
			status = ally.StatusDormant
		}
	}
	archive := r.IntN(17) == 0

	managers := s.managers()
	owner := managers[r.IntN(len(managers))]
	manager := managers[(indexOf(managers, owner)+1+r.IntN(len(managers)-1))%len(managers)]

	categories := []string{c.category}
	if r.IntN(4) == 0 {
		extra := pick(r, []string{"Reseller", "Referral", "MSP", "Technology", "Systems Integrator"})
		if extra != c.category {
			categories = append(categories, extra)
		}
	}
	industry := pick(r, industries())
	employees := float64(5 + r.IntN(40)*r.IntN(60))
	specs := []any{pick(r, specializations())}
	if second := pick(r, specializations()); second != specs[0] {
		specs = append(specs, second)
	}

	f := ally.PartnerFields{
		Name:        ptr(c.name),
		Domain:      ptr(domain),
		Website:     ptr("https://www." + domain),
		Phone:       ptr(fmt.Sprintf("%s %d %03d %04d", callingCode(c.country), 20+r.IntN(970), r.IntN(1000), r.IntN(10000))),
		Description: ptr(fmt.Sprintf("%s is a %s %s working mostly with %s customers.", c.name, describe(c.category), inCountry(c.country), strings.ToLower(industry))),
		Status:      &status,
		TierID:      ptr(tier.ID),
		PhaseID:     ptr(s.phases[phase].ID),
		OwnerID:     ptr(owner.ID),
		ManagerID:   ptr(manager.ID),
		Categories:  &categories,

		ExternalID:        ptr(fmt.Sprint(21_500_000_000 + int64(i)*7_919 + r.Int64N(7_000))),
		ExternalIDType:    ptr("hubspot"),
		ExternalCompanyID: ptr(fmt.Sprint(8_800_000_000 + int64(i)*6_007 + r.Int64N(6_000))),
		PartnerCRMProperties: &map[string]any{
			"industry": industry, "country": c.country, "region": region(c.country), "employeeCount": employees,
		},
		CompanyCRMProperties: &map[string]any{
			"lifecyclestage": "partner", "annualrevenue": float64(employees * float64(90_000+r.IntN(60_000))),
		},
		CustomProperties: &map[string]any{
			"certifiedEngineers":     float64(r.IntN(int(employees)/5 + 2)),
			"preferredLanguage":      language(c.country),
			"marketingFundsEligible": tier.Rank >= 30,
			"specializations":        specs,
		},
	}
	if phase >= 1 { // partners past recruiting have a portal
		tmpl := s.templates[0]
		if c.category == "Referral" {
			tmpl = s.templates[1]
		}
		access := ally.AccessRestrictedUsers
		if r.IntN(3) == 0 {
			access = ally.AccessRestrictedDomains
		}
		f.ExperienceTemplateID, f.PortalAccess = ptr(tmpl.ID), &access
	}
	return f, archive
}

// weightedPhase returns a phase index; most partners are mid-lifecycle.
func weightedPhase(r *rand.Rand) int {
	return pick(r, []int{0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4})
}

// tierFor returns a tier index fitting the phase: mature partners rank higher.
func tierFor(r *rand.Rand, phase int) int {
	switch phase {
	case 0, 1:
		return 0
	case 2:
		return r.IntN(2)
	case 3:
		return 1 + r.IntN(2)
	}
	return 2 + r.IntN(2)
}

// domainOf makes a domain under .example from a company name: "Cedar & Stone IT" -> cedarstoneit.example.
func domainOf(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String() + ".example"
}

func describe(category string) string {
	switch category {
	case "MSP":
		return "managed service provider"
	case "Technology":
		return "technology partner"
	case "Referral":
		return "referral partner"
	}
	return strings.ToLower(category)
}

func inCountry(country string) string {
	switch country {
	case "United States", "United Kingdom", "Netherlands", "United Arab Emirates":
		return "in the " + country
	}
	return "in " + country
}

func indexOf[T comparable](xs []T, x T) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func ptr[T any](v T) *T { return &v }
