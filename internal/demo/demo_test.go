package demo_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/demo"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/store/storetest"
)

// summary is what a demo partner looks like without its generated ids.
type summary struct {
	Name, Domain, ExternalID, Status, Phone string
	Categories                              []string
	Props, Custom                           map[string]any
}

func seedAndList(t *testing.T, engine string, seed uint64) (*demo.Result, []summary) {
	t.Helper()
	ctx := context.Background()
	a := app.New(storetest.Open(t, engine))
	res, err := demo.Seed(ctx, a, seed)
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.Partners(ctx, ally.System("test"), ally.PartnerFilter{Limit: ally.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []summary
	for _, p := range page.Items {
		out = append(out, summary{p.Name, p.Domain, p.ExternalID, string(p.Status), p.Phone, p.Categories, p.PartnerCRMProperties, p.CustomProperties})
	}
	// Ids made in the same millisecond sort at random: compare by name.
	slices.SortFunc(out, func(a, b summary) int { return strings.Compare(a.Name, b.Name) })
	again, err := demo.Seed(ctx, a, seed)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if again.PartnersCreated != 0 || again.PartnersFound != res.PartnersCreated {
		t.Errorf("second run created %d, found %d; first created %d", again.PartnersCreated, again.PartnersFound, res.PartnersCreated)
	}
	return res, out
}

func TestSeedIsDeterministicAndRepeatable(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			res, first := seedAndList(t, engine, demo.DefaultSeed)
			if res.PartnersCreated < 50 || res.Tiers != 4 || res.Phases != 5 || res.Templates != 2 || len(res.Users) != 4 {
				t.Errorf("seeded %+v", res)
			}
			_, second := seedAndList(t, engine, demo.DefaultSeed)
			if !reflect.DeepEqual(first, second) {
				t.Error("the same seed gave different partners")
			}
			_, other := seedAndList(t, engine, demo.DefaultSeed+1)
			if reflect.DeepEqual(first, other) {
				t.Error("another seed gave the same partners")
			}
		})
	}
}

// TestSeedGivesThePortalSomethingToShow: contacts, portal users who can sign
// in, and a Partner Profile with CRM properties, some editable.
func TestSeedGivesThePortalSomethingToShow(t *testing.T) {
	ctx := context.Background()
	a := app.New(storetest.Open(t, "sqlite"))
	res, err := demo.Seed(ctx, a, demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Contacts < 80 || len(res.PortalUsers) != 3 {
		t.Fatalf("%d contacts, %d portal users", res.Contacts, len(res.PortalUsers))
	}
	in, err := a.SignInPartner(ctx, res.PortalUsers[0].Email, demo.PortalUserPassword, app.ClientMeta{IP: "192.0.2.1"})
	if err != nil || !in.MustChangePassword {
		t.Fatalf("portal sign-in: %+v, %v", in, err)
	}
	actor, _, err := a.Authenticate(ctx, in.Token, app.ClientMeta{})
	if err != nil {
		t.Fatal(err)
	}
	view, err := a.MyProfile(ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	var editable, crm int
	for _, f := range view.Fields {
		if f.Editable {
			editable++
		}
		if f.Source == ally.SourceCRM && f.Value != "" {
			crm++
		}
	}
	if editable == 0 || crm == 0 || len(view.Fields) < 7 {
		t.Fatalf("profile: %d fields, %d editable, %d CRM values", len(view.Fields), editable, crm)
	}
	again, err := demo.Seed(ctx, a, demo.DefaultSeed)
	if err != nil || again.Contacts != 0 || len(again.PortalUsers) != 3 {
		t.Fatalf("second run: %d contacts, %d portal users, %v", again.Contacts, len(again.PortalUsers), err)
	}
}

// TestSeedShowsLeadDistribution: rules that place most leads, some left in
// the unassigned queue, deliveries queued (once the leads are dispatched)
// for partners that take e-mail, leads a demo portal user can see, and a
// second run that adds none.
func TestSeedShowsLeadDistribution(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	a := app.New(db)
	res, err := demo.Seed(ctx, a, demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rules != 5 || res.Leads < 200 || res.UnassignedLeads == 0 || res.UnassignedLeads > res.Leads/2 {
		t.Fatalf("%d rules, %d leads, %d unassigned", res.Rules, res.Leads, res.UnassignedLeads)
	}
	system := ally.System("test")
	queue, err := a.Leads(ctx, system, ally.LeadFilter{Unassigned: true, Limit: ally.MaxLimit})
	if err != nil || len(queue.Items) != res.UnassignedLeads {
		t.Fatalf("unassigned queue: %d leads, %v; want %d", len(queue.Items), err, res.UnassignedLeads)
	}
	lead := queue.Items[0]
	if lead.Routing == nil || lead.Routing.Outcome != ally.RoutedNowhere || len(lead.Routing.Rules) == 0 {
		t.Errorf("an unassigned lead explains nothing: %+v", lead.Routing)
	}
	// The leads' dispatch jobs write their deliveries, as ally serve does
	// at start; the deliveries themselves are not attempted here.
	r := jobs.New(db, jobs.Options{})
	r.Handle(ally.JobDispatch, a.HandleDispatch)
	if n, err := r.RunDue(ctx); err != nil || n == 0 {
		t.Fatalf("%d dispatch jobs ran: %v", n, err)
	}
	dels, err := a.Deliveries(ctx, system, ally.DeliveryFilter{Limit: ally.MaxLimit})
	if err != nil || len(dels.Items) == 0 {
		t.Fatalf("no deliveries queued: %v", err)
	}
	for _, d := range dels.Items {
		if d.Channel != ally.ChannelEmail || d.Status != ally.DeliveryPending {
			t.Fatalf("demo delivery %s: %s %s; want pending e-mails only (webhooks are off)", d.ID, d.Channel, d.Status)
		}
	}
	// Every demo portal user's organization has leads to show.
	for _, u := range res.PortalUsers {
		ps, err := a.Partners(ctx, system, ally.PartnerFilter{Query: u.Email[strings.Index(u.Email, "@")+1:], Limit: 1})
		if err != nil || len(ps.Items) != 1 {
			t.Fatalf("partner of %s: %v", u.Email, err)
		}
		leads, err := a.Leads(ctx, system, ally.LeadFilter{PartnerID: ps.Items[0].ID, Limit: 1})
		if err != nil || len(leads.Items) == 0 {
			t.Errorf("%s (%s) has no leads to see in the portal (%v)", u.Partner, u.Email, err)
		}
	}
	again, err := demo.Seed(ctx, a, demo.DefaultSeed)
	if err != nil || again.Leads != 0 || again.Rules != 5 {
		t.Fatalf("second run: %d leads, %d rules, %v", again.Leads, again.Rules, err)
	}
}
