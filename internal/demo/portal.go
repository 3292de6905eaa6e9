package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// PortalUserPassword is the temporary password of the demo portal users;
// the portal asks them to choose their own at first sign-in.
const PortalUserPassword = "ally-demo-partner"

// propertySpecs are the CRM and custom properties the demo partners carry,
// so the Partner Profile can show them.
func propertySpecs() []ally.PropertyFields {
	prop := func(key, label string, t ally.PropertyType, src ally.PropertySource, pos int, opts ...string) ally.PropertyFields {
		f := ally.PropertyFields{Key: ptr(key), Label: ptr(label), Type: &t, Source: &src, Position: ptr(pos), CRMField: ptr("")}
		if src == ally.SourceCRM {
			f.CRMField = ptr(key)
		}
		if len(opts) > 0 {
			f.Options = &opts
		}
		return f
	}
	return []ally.PropertyFields{
		prop("industry", "Industry", ally.TypeSelect, ally.SourceCRM, 10, industries()...),
		prop("country", "Country", ally.TypeText, ally.SourceCRM, 20),
		prop("region", "Region", ally.TypeSelect, ally.SourceCRM, 30, "EMEA", "North America", "LATAM", "APAC"),
		prop("employeeCount", "Employees", ally.TypeNumber, ally.SourceCRM, 40),
		prop("specializations", "Specializations", ally.TypeMultiSelect, ally.SourceCustom, 50, specializations()...),
		prop("preferredLanguage", "Preferred language", ally.TypeText, ally.SourceCustom, 60),
	}
}

func (s *seeder) seedProperties(ctx context.Context, _ *rand.Rand) error {
	have, err := s.app.PropertyDefinitions(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing properties: %w", err)
	}
	for _, f := range propertySpecs() {
		if findByName(have, *f.Key, func(p *ally.PropertyDefinition) string { return p.Key }) != nil {
			continue
		}
		if _, err := s.app.CreatePropertyDefinition(ctx, s.actor, f); err != nil {
			return fmt.Errorf("demo: creating property %s: %w", *f.Key, err)
		}
	}
	return nil
}

// seedTemplateProfiles gives the two templates their sections and Partner
// Profile: resellers edit their own details and industry; referral partners
// see theirs read-only.
func (s *seeder) seedTemplateProfiles(ctx context.Context, _ *rand.Rand) error {
	editable := func(keys ...string) []ally.ProfileField {
		var out []ally.ProfileField
		for _, k := range keys {
			key, ed := strings.CutSuffix(k, "*")
			out = append(out, ally.ProfileField{Key: key, Editable: ed})
		}
		return out
	}
	specs := []struct {
		sections ally.Sections
		profile  []ally.ProfileField
	}{
		{ally.Sections{Dashboard: true, Profile: true, Leads: true, LeadExport: true, Deals: true, Invoices: true, DeliverySettings: true},
			editable("name*", "website*", "logo*", "tier", "manager", "champion", "phone*", "description*",
				"industry*", "country", "region", "employeeCount*", "specializations*")},
		{ally.Sections{Dashboard: true, Profile: true, Leads: true, Deals: true},
			editable("name", "website*", "logo*", "tier", "manager", "industry", "country")},
	}
	for i, t := range s.templates {
		if t.Sections.Profile { // set by an earlier run, or by an admin since: keep
			continue
		}
		sp := specs[i%len(specs)]
		if _, err := s.app.UpdateExperienceTemplate(ctx, s.actor, t.ID, ally.ExperienceTemplateFields{
			Sections: &sp.sections, Profile: &sp.profile}, nil); err != nil {
			return fmt.Errorf("demo: configuring template %s: %w", t.Name, err)
		}
	}
	return nil
}

// PortalUser is a demo partner user who can sign in to the portal.
type PortalUser struct {
	Email   string
	Partner string
}

// seedContacts gives each partner past recruiting two or three people, and
// the first few active partners a portal user with a temporary password.
func (s *seeder) seedContacts(ctx context.Context, r *rand.Rand) error {
	page, err := s.app.Partners(ctx, s.actor, ally.PartnerFilter{Limit: ally.MaxLimit})
	if err != nil {
		return fmt.Errorf("demo: listing partners: %w", err)
	}
	portalUsers := 0
	for _, p := range page.Items {
		n := 2 + r.IntN(2)
		people := make([]ally.ContactFields, n)
		for i := range people {
			first, last := pick(r, firstNames()), pick(r, lastNames())
			roles := []ally.ContactRole{pick(r, ally.ContactRoles)}
			people[i] = ally.ContactFields{
				Name: ptr(first + " " + last), Email: ptr(strings.ToLower(first+"."+last) + "@" + p.Domain),
				Title: ptr(pick(r, titles())), Phone: ptr(p.Phone), Roles: &roles, Primary: ptr(i == 0),
			}
		}
		if p.Status == ally.StatusArchived || p.Domain == "" {
			continue
		}
		existing, err := s.app.Contacts(ctx, s.actor, p.ID, "", 10)
		if err != nil {
			return fmt.Errorf("demo: listing contacts of %s: %w", p.Name, err)
		}
		if len(existing.Items) > 0 {
			s.notePortalUser(existing.Items, p)
			continue
		}
		for i, f := range people {
			c, err := s.app.CreateContact(ctx, s.actor, p.ID, f)
			if err != nil {
				return fmt.Errorf("demo: creating contact of %s: %w", p.Name, err)
			}
			if i == 0 && p.Status == ally.StatusActive && portalUsers < 3 {
				if err := s.app.SetTemporaryPassword(ctx, s.actor, c.ID, PortalUserPassword); err != nil {
					return fmt.Errorf("demo: portal access for %s: %w", c.Email, err)
				}
				portalUsers++
				s.res.PortalUsers = append(s.res.PortalUsers, PortalUser{Email: c.Email, Partner: p.Name})
			}
		}
		s.res.Contacts += len(people)
	}
	return nil
}

// notePortalUser reports the portal users an earlier run made.
func (s *seeder) notePortalUser(cs []*ally.Contact, p *ally.Partner) {
	for _, c := range cs {
		if c.Portal == ally.PortalActive {
			s.res.PortalUsers = append(s.res.PortalUsers, PortalUser{Email: c.Email, Partner: p.Name})
		}
	}
}

func firstNames() []string {
	return []string{"Anna", "Lukas", "Sofia", "Jonas", "Emma", "Noah", "Mila", "Liam", "Julia", "Mateo",
		"Chloe", "Oskar", "Ines", "Hugo", "Freya", "Luca", "Amara", "Kenji", "Priya", "Tomás"}
}

func lastNames() []string {
	return []string{"Peeters", "Müller", "García", "Jansen", "Rossi", "Dubois", "Nowak", "Silva", "Larsen", "Novak",
		"Kowalski", "Bakker", "Moreau", "Fischer", "Costa", "Lindqvist", "Tanaka", "Sharma", "Okafor", "Reyes"}
}

func titles() []string {
	return []string{"Partner Manager", "Sales Director", "Solutions Architect", "CEO", "Head of Alliances",
		"Account Executive", "Technical Lead", "Finance Manager"}
}
