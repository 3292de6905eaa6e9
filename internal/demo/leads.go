package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// demoLeads is how many leads the demo takes in through the routing rules.
const demoLeads = 240

// seedRules makes the demo routing rules, unless there are rules already.
// They cover North America, referrals and webinars (for the referral
// partners, whose demo portal users then have leads to see), EMEA, APAC
// and events; Latin American web leads match none and wait in the
// unassigned queue.
func (s *seeder) seedRules(ctx context.Context, _ *rand.Rand) error {
	have, err := s.app.RoutingRules(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing routing rules: %w", err)
	}
	if len(have) > 0 {
		s.res.Rules = len(have)
		return nil
	}
	active := func(category string) ([]*ally.Partner, error) {
		page, err := s.app.Partners(ctx, s.actor, ally.PartnerFilter{Status: ally.StatusActive, Category: category, Limit: ally.MaxLimit})
		return page.Items, err
	}
	msps, err := active("MSP")
	if err != nil {
		return fmt.Errorf("demo: listing partners: %w", err)
	}
	distributors, err := active("Distributor")
	if err != nil {
		return fmt.Errorf("demo: listing partners: %w", err)
	}
	if len(msps) < 3 || len(distributors) < 1 {
		return fmt.Errorf("demo: too few active MSPs (%d) or distributors (%d) for the demo rules", len(msps), len(distributors))
	}
	weights := []ally.RuleWeight{{PartnerID: msps[0].ID, Weight: 3}, {PartnerID: msps[1].ID, Weight: 2}, {PartnerID: msps[2].ID, Weight: 1}}
	rules := []ally.RoutingRuleFields{
		{Name: ptr("North America: resellers take turns"), Priority: ptr(10), Enabled: ptr(true),
			Conditions: &ally.RuleConditions{Regions: []string{"North America"}, Categories: []string{"Reseller"}},
			Mode:       ptr(ally.RouteRoundRobin), DailyCap: ptr(25)},
		{Name: ptr("Referrals and webinars: referral partners take turns"), Priority: ptr(15), Enabled: ptr(true),
			Conditions: &ally.RuleConditions{Sources: []string{"referral", "webinar"}, Categories: []string{"Referral"}},
			Mode:       ptr(ally.RouteRoundRobin), DailyCap: ptr(10)},
		{Name: ptr("EMEA web and referral leads: MSPs by weight"), Priority: ptr(20), Enabled: ptr(true),
			Conditions: &ally.RuleConditions{Regions: []string{"EMEA"}, Sources: []string{"web", "referral"}},
			Mode:       ptr(ally.RouteWeighted), Weights: &weights, MonthlyCap: ptr(500)},
		{Name: ptr("APAC to our distributor"), Priority: ptr(30), Enabled: ptr(true),
			Conditions: &ally.RuleConditions{Regions: []string{"APAC"}},
			Mode:       ptr(ally.RouteToPartner), PartnerID: ptr(distributors[0].ID), MonthlyCap: ptr(200)},
		{Name: ptr("Event leads: any active reseller or MSP, five a day each"), Priority: ptr(40), Enabled: ptr(true),
			Conditions: &ally.RuleConditions{Sources: []string{"event"}, Categories: []string{"Reseller", "MSP"}},
			Mode:       ptr(ally.RouteRoundRobin), DailyCap: ptr(5)},
	}
	for _, f := range rules {
		if _, err := s.app.CreateRoutingRule(ctx, s.actor, f); err != nil {
			return fmt.Errorf("demo: creating rule %q: %w", *f.Name, err)
		}
	}
	s.res.Rules = len(rules)
	return nil
}

// seedDelivery gives the partners with demo portal users their delivery
// settings: leads by e-mail to their primary contact (written to
// data/mail without an SMTP server), and a webhook set up but off, so the
// demo sends nothing to the internet. It also adds a vendor subscription,
// off until someone points it at a real endpoint.
func (s *seeder) seedDelivery(ctx context.Context, _ *rand.Rand) error {
	for _, u := range s.res.PortalUsers {
		c, err := s.portalContact(ctx, u.Email)
		if err != nil {
			return err
		}
		cur, err := s.app.DeliverySettings(ctx, s.actor, c.PartnerID)
		if err != nil {
			return fmt.Errorf("demo: delivery settings of %s: %w", u.Partner, err)
		}
		if cur.Version > 0 {
			continue
		}
		url := "https://hooks.example.com/ally/" + strings.ToLower(strings.ReplaceAll(u.Partner, " ", "-"))
		f := ally.DeliverySettingsFields{WebhookURL: &url, WebhookOn: ptr(false), EmailTo: &[]string{u.Email}, EmailOn: ptr(true)}
		if _, err := s.app.UpdateDeliverySettings(ctx, s.actor, c.PartnerID, f, nil); err != nil {
			return fmt.Errorf("demo: delivery settings of %s: %w", u.Partner, err)
		}
	}
	subs, err := s.app.Subscriptions(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing subscriptions: %w", err)
	}
	if len(subs) == 0 {
		f := ally.SubscriptionFields{URL: ptr("https://crm.example.com/ally/events"),
			Events:      &[]string{ally.EventPartnerUpdated, ally.EventLeadStatusChanged},
			Description: ptr("Keeps the CRM in step; turn on once the URL points at your CRM's endpoint."), Enabled: ptr(false)}
		if _, err := s.app.CreateSubscription(ctx, s.actor, f); err != nil {
			return fmt.Errorf("demo: creating subscription: %w", err)
		}
	}
	return nil
}

// portalContact finds a demo portal user's contact by e-mail.
func (s *seeder) portalContact(ctx context.Context, email string) (*ally.Contact, error) {
	domain := email[strings.LastIndex(email, "@")+1:]
	page, err := s.app.Partners(ctx, s.actor, ally.PartnerFilter{Query: domain, Limit: 5})
	if err != nil {
		return nil, fmt.Errorf("demo: finding the partner of %s: %w", email, err)
	}
	for _, p := range page.Items {
		cs, err := s.app.Contacts(ctx, s.actor, p.ID, "", ally.MaxLimit)
		if err != nil {
			return nil, fmt.Errorf("demo: contacts of %s: %w", p.Name, err)
		}
		for _, c := range cs.Items {
			if c.Email == email {
				return c, nil
			}
		}
	}
	return nil, fmt.Errorf("demo: no contact %s", email)
}

// seedLeads takes demo leads in through the rules, once, and moves some of
// them on the way partners would: accepted, contacted, won, lost.
func (s *seeder) seedLeads(ctx context.Context, r *rand.Rand) error {
	have, err := s.app.Leads(ctx, s.actor, ally.LeadFilter{Limit: 1})
	if err != nil {
		return fmt.Errorf("demo: listing leads: %w", err)
	}
	if len(have.Items) > 0 {
		return nil
	}
	for i := range demoLeads {
		in := demoLead(r, i)
		l, err := s.app.CreateLead(ctx, s.actor, in)
		if err != nil {
			return fmt.Errorf("demo: lead %s: %w", in.Email, err)
		}
		s.res.Leads++
		if l.PartnerID == "" {
			s.res.UnassignedLeads++
			continue
		}
		if u, ok := demoProgress(r); ok {
			if _, err := s.app.UpdateLeadStatus(ctx, s.actor, l.ID, u, nil); err != nil {
				return fmt.Errorf("demo: status of lead %s: %w", l.Email, err)
			}
		}
	}
	return nil
}

// leadCountries are where demo leads come from, with the sales region the
// rules route on.
var leadCountries = []struct{ code, region string }{
	{"US", "North America"}, {"US", "North America"}, {"CA", "North America"},
	{"GB", "EMEA"}, {"DE", "EMEA"}, {"NL", "EMEA"}, {"FR", "EMEA"}, {"SE", "EMEA"}, {"ES", "EMEA"},
	{"AU", "APAC"}, {"SG", "APAC"}, {"JP", "APAC"}, {"IN", "APAC"},
	{"BR", "Latin America"}, {"MX", "Latin America"}, {"AR", "Latin America"},
}

func demoLead(r *rand.Rand, i int) ally.LeadInput {
	first, last := pick(r, firstNames()), pick(r, lastNames())
	company := pick(r, []string{"Acorn", "Brightline", "Copperleaf", "Driftwood", "Evergreen", "Foxglove", "Granite",
		"Harbor", "Ironbark", "Juniper", "Keystone", "Lakeshore", "Meridian", "Nimbus", "Oakridge", "Pinecrest"}) +
		" " + pick(r, []string{"Logistics", "Health", "Retail", "Foods", "Energy", "Labs", "Finance", "Media", "Motors", "Insurance"})
	domain := strings.ToLower(strings.ReplaceAll(company, " ", "")) + ".example"
	where := pick(r, leadCountries)
	source := pick(r, []string{"web", "web", "web", "event", "referral", "webinar"})
	return ally.LeadInput{
		ExternalID: fmt.Sprintf("demo-lead-%04d", i+1),
		FirstName:  first, LastName: last,
		Email:   strings.ToLower(first+"."+last) + "@" + domain,
		Phone:   fmt.Sprintf("+1 555 %04d", r.IntN(10000)),
		Title:   pick(r, []string{"CTO", "IT Manager", "Head of Operations", "CFO", "Procurement Lead", "VP Engineering"}),
		Company: company, CompanyDomain: domain, Country: where.code, Region: where.region, Source: source,
		Message: pick(r, []string{"Looking for a partner to roll this out to 200 seats.", "Please call me about pricing.",
			"We need help migrating from our current tool.", "Interested in a demo next week.", ""}),
		Custom: map[string]any{"employees": float64(10 * (1 + r.IntN(500))), "budget": pick(r, []string{"< 10k", "10k–50k", "50k+"})},
	}
}

// demoProgress picks where a partner has got with a lead, if anywhere.
func demoProgress(r *rand.Rand) (ally.LeadStatusUpdate, bool) {
	switch n := r.IntN(10); {
	case n < 4:
		return ally.LeadStatusUpdate{}, false
	case n < 6:
		return ally.LeadStatusUpdate{Status: ally.LeadAccepted}, true
	case n < 8:
		return ally.LeadStatusUpdate{Status: ally.LeadContacted, Reason: "Intro call booked"}, true
	case n < 9:
		return ally.LeadStatusUpdate{Status: ally.LeadWon, Reason: "Signed a two-year contract"}, true
	default:
		return ally.LeadStatusUpdate{Status: ally.LeadLost, Reason: pick(r, []string{"Chose a competitor", "No budget this year"})}, true
	}
}
