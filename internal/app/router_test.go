package app

// Inside tests of the router: an import batch routes thousands of leads
// through one router, so its caching is what keeps a batch to a few
// statements. These count the store calls it makes.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store/storetest"
)

// counted wraps a store so every write transaction counts the calls made
// on it, by method, for the methods a lead intake uses.
type counted struct {
	ally.Store
	mu sync.Mutex
	n  map[string]int
}

func (s *counted) Write(ctx context.Context, fn func(ally.Tx) error) error {
	return s.Store.Write(ctx, func(tx ally.Tx) error { return fn(&countingTx{Tx: tx, s: s}) })
}

func (s *counted) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.n
	s.n = map[string]int{}
	return n
}

type countingTx struct {
	ally.Tx
	s *counted
}

func (c *countingTx) count(method string) {
	c.s.mu.Lock()
	c.s.n[method]++
	c.s.mu.Unlock()
}

func (c *countingTx) FindRoutingRules(ctx context.Context) ([]*ally.RoutingRule, error) {
	c.count("FindRoutingRules")
	return c.Tx.FindRoutingRules(ctx)
}

func (c *countingTx) LockRoutingRules(ctx context.Context) ([]*ally.RoutingRule, error) {
	c.count("LockRoutingRules")
	return c.Tx.LockRoutingRules(ctx)
}

func (c *countingTx) FindRoutingCandidates(ctx context.Context, rc ally.RuleConditions, after string, limit int) ([]*ally.RoutingCandidate, error) {
	c.count("FindRoutingCandidates")
	return c.Tx.FindRoutingCandidates(ctx, rc, after, limit)
}

func (c *countingTx) FindRoutingCandidatesByID(ctx context.Context, ids []string) ([]*ally.RoutingCandidate, error) {
	c.count("FindRoutingCandidatesByID")
	return c.Tx.FindRoutingCandidatesByID(ctx, ids)
}

func (c *countingTx) LockLeadCounts(ctx context.Context, ids []string, day, month string) (map[string]ally.LeadCount, error) {
	c.count("LockLeadCounts")
	return c.Tx.LockLeadCounts(ctx, ids, day, month)
}

func (c *countingTx) FindLeadCounts(ctx context.Context, ids []string, day, month string) (map[string]ally.LeadCount, error) {
	c.count("FindLeadCounts")
	return c.Tx.FindLeadCounts(ctx, ids, day, month)
}

func (c *countingTx) FindRuleCounts(ctx context.Context, ruleID string, ids []string) (map[string]int64, error) {
	c.count("FindRuleCounts")
	return c.Tx.FindRuleCounts(ctx, ruleID, ids)
}

func (c *countingTx) CreateLeads(ctx context.Context, ls []*ally.Lead) error {
	c.count("CreateLeads")
	return c.Tx.CreateLeads(ctx, ls)
}

func (c *countingTx) AddLeadCounts(ctx context.Context, day, month string, n map[string]int) error {
	c.count("AddLeadCounts")
	return c.Tx.AddLeadCounts(ctx, day, month, n)
}

func (c *countingTx) AddRuleCounts(ctx context.Context, ruleID string, n map[string]int) error {
	c.count("AddRuleCounts")
	return c.Tx.AddRuleCounts(ctx, ruleID, n)
}

func (c *countingTx) SetRuleCursor(ctx context.Context, ruleID, partnerID string) error {
	c.count("SetRuleCursor")
	return c.Tx.SetRuleCursor(ctx, ruleID, partnerID)
}

func (c *countingTx) FindSubscriptions(ctx context.Context) ([]*ally.Subscription, error) {
	c.count("FindSubscriptions")
	return c.Tx.FindSubscriptions(ctx)
}

func (c *countingTx) FindDeliverySettings(ctx context.Context, partnerID string) (*ally.DeliverySettings, error) {
	c.count("FindDeliverySettings")
	return c.Tx.FindDeliverySettings(ctx, partnerID)
}

func (c *countingTx) FindDeliverySettingsFor(ctx context.Context, ids []string) (map[string]*ally.DeliverySettings, error) {
	c.count("FindDeliverySettingsFor")
	return c.Tx.FindDeliverySettingsFor(ctx, ids)
}

func (c *countingTx) CreateDeliveries(ctx context.Context, ds []*ally.Delivery) error {
	c.count("CreateDeliveries")
	return c.Tx.CreateDeliveries(ctx, ds)
}

func (c *countingTx) EnqueueMany(ctx context.Context, js []*ally.Job) error {
	c.count("EnqueueMany")
	return c.Tx.EnqueueMany(ctx, js)
}

func (c *countingTx) Enqueue(ctx context.Context, j *ally.Job) error {
	c.count("Enqueue")
	return c.Tx.Enqueue(ctx, j)
}

func (c *countingTx) CreateAuditEvent(ctx context.Context, e *ally.AuditEvent) error {
	c.count("CreateAuditEvent")
	return c.Tx.CreateAuditEvent(ctx, e)
}

func (c *countingTx) CreateActivity(ctx context.Context, a *ally.Activity) error {
	c.count("CreateActivity")
	return c.Tx.CreateActivity(ctx, a)
}

func (c *countingTx) FindPartnerByID(ctx context.Context, id string) (*ally.Partner, error) {
	c.count("FindPartnerByID")
	return c.Tx.FindPartnerByID(ctx, id)
}

// routerWorld is n active partners (in id order) over a counted store.
type routerWorld struct {
	t        *testing.T
	ctx      context.Context
	app      *App
	store    *counted
	partners []*ally.Partner
	now      time.Time
}

func newRouterWorld(t *testing.T, engine string, n int) *routerWorld {
	w := &routerWorld{t: t, ctx: context.Background(), now: time.Date(2026, 5, 14, 9, 0, 0, 0, time.UTC)}
	w.store = &counted{Store: storetest.Open(t, engine), n: map[string]int{}}
	w.app = New(w.store, WithClock(func() time.Time { return w.now }))
	for i := range n {
		p, _, err := w.app.CreatePartner(w.ctx, ally.System("test"), ally.PartnerFields{
			Name: ptrTo(fmt.Sprintf("P%02d", i)), Status: ptrTo(ally.StatusActive)})
		if err != nil {
			t.Fatal(err)
		}
		w.partners = append(w.partners, p)
	}
	return w
}

func ptrTo[T any](v T) *T { return &v }

// batch routes n leads through one router in one transaction, as an
// import batch does, and returns the partner names in order ("-" for none).
func (w *routerWorld) batch(n int) []string {
	w.t.Helper()
	var got []string
	err := w.store.Write(w.ctx, func(tx ally.Tx) error {
		rt, err := w.app.newRouter(w.ctx, tx, false)
		if err != nil {
			return err
		}
		var ls []*ally.Lead
		for i := range n {
			l := ally.NewLead(&ally.LeadInput{Email: fmt.Sprintf("l%d@x.example", i)}, w.now)
			if err := rt.route(w.ctx, l); err != nil {
				return err
			}
			got = append(got, cmpOr(l.PartnerName, "-"))
			ls = append(ls, l)
		}
		if err := tx.CreateLeads(w.ctx, ls); err != nil {
			return err
		}
		return rt.flush(w.ctx, tx)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

func (w *routerWorld) rule(f ally.RoutingRuleFields) *ally.RoutingRule {
	r, err := w.app.CreateRoutingRule(w.ctx, ally.System("test"), f)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func TestRouterBatchTakesTurnsFromTheCursor(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newRouterWorld(t, engine, 20)
			r := w.rule(ally.RoutingRuleFields{Name: ptrTo("All"), Mode: ptrTo(ally.RouteRoundRobin)})
			if err := w.store.Write(w.ctx, func(tx ally.Tx) error { return tx.SetRuleCursor(w.ctx, r.ID, w.partners[4].ID) }); err != nil {
				t.Fatal(err)
			}
			w.store.take()
			got := w.batch(45)
			var want []string
			for i := range 45 {
				want = append(want, fmt.Sprintf("P%02d", (5+i)%20))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("turns:\n got %v\nwant %v", got, want)
			}
			n := w.store.take()
			// Pages of 8, 16 (the tail), then 32 from the start: the ring is whole.
			if n["LockRoutingRules"] != 1 || n["FindRoutingCandidates"] > 4 || n["SetRuleCursor"] != 1 || n["LockLeadCounts"] != 0 || n["AddLeadCounts"] != 1 {
				t.Fatalf("store calls for 45 leads: %v", n)
			}
			// The next batch starts after the last pick.
			if got := w.batch(1); got[0] != "P10" {
				t.Fatalf("next batch starts at %s", got[0])
			}
		})
	}
}

func TestRouterBatchHoldsCaps(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newRouterWorld(t, engine, 10)
			w.rule(ally.RoutingRuleFields{Name: ptrTo("Capped"), Mode: ptrTo(ally.RouteRoundRobin), DailyCap: ptrTo(2)})
			w.store.take()
			got := w.batch(25)
			per := map[string]int{}
			for _, name := range got {
				per[name]++
			}
			if per["-"] != 5 || len(per) != 11 {
				t.Fatalf("25 leads, 10 partners capped at 2: %v", per)
			}
			for name, n := range per {
				if name != "-" && n != 2 {
					t.Fatalf("%s got %d", name, n)
				}
			}
			// Each partner's counts are looked at once and locked once.
			if n := w.store.take(); n["LockLeadCounts"] > 10 || n["FindLeadCounts"] > 10 {
				t.Fatalf("counts read for 10 partners: %v", n)
			}
			// Flushed: the next batch sees the counts; the next day is fresh.
			if got := w.batch(1); got[0] != "-" {
				t.Fatalf("after the caps filled: %v", got)
			}
			w.now = w.now.Add(24 * time.Hour)
			if got := w.batch(1); got[0] == "-" {
				t.Fatal("the next day is still capped")
			}
		})
	}
}

// TestIntakeStatements counts what one intake costs: the aim is a handful
// of statements, with the router's share at most two reads and two writes.
func TestIntakeStatements(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newRouterWorld(t, engine, 50)
			w.rule(ally.RoutingRuleFields{Name: ptrTo("US"), Priority: ptrTo(1), Mode: ptrTo(ally.RouteToPartner), PartnerID: &w.partners[0].ID,
				Conditions: &ally.RuleConditions{Countries: []string{"US"}}})
			w.rule(ally.RoutingRuleFields{Name: ptrTo("All"), Priority: ptrTo(2), Mode: ptrTo(ally.RouteRoundRobin)})
			for i := range 3 {
				w.store.take()
				if _, err := w.app.CreateLead(w.ctx, ally.System("test"), ally.LeadInput{Email: fmt.Sprintf("l%d@x.example", i), Country: "DE"}); err != nil {
					t.Fatal(err)
				}
			}
			n := w.store.take()
			var parts []string
			total := 0
			for _, k := range slices.Sorted(maps.Keys(n)) {
				parts = append(parts, fmt.Sprintf("%s=%d", k, n[k]))
				total += n[k]
			}
			t.Logf("one intake: %d calls: %s", total, strings.Join(parts, " "))
			router := n["LockRoutingRules"] + n["FindRoutingCandidates"] + n["LockLeadCounts"] + n["FindRoutingCandidatesByID"]
			if router > 2 || n["AddLeadCounts"]+n["SetRuleCursor"] > 2 {
				t.Fatalf("the router's share: %v", n)
			}
		})
	}
}

// TestBatchReadsDeliverySettingsOnce: an import batch's outbox reads the
// delivery settings of all its partners in one query, and each lead still
// goes to its own partner's address.
func TestBatchReadsDeliverySettingsOnce(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newRouterWorld(t, engine, 20)
			w.rule(ally.RoutingRuleFields{Name: ptrTo("All"), Priority: ptrTo(1), Mode: ptrTo(ally.RouteRoundRobin)})
			for i, p := range w.partners[:10] {
				if _, err := w.app.UpdateDeliverySettings(w.ctx, ally.System("test"), p.ID, ally.DeliverySettingsFields{
					EmailTo: &[]string{fmt.Sprintf("leads@p%02d.example", i)}, EmailOn: ptrTo(true)}, nil); err != nil {
					t.Fatal(err)
				}
			}
			w.store.take()
			err := w.store.Write(w.ctx, func(tx ally.Tx) error {
				rt, err := w.app.newRouter(w.ctx, tx, false)
				if err != nil {
					return err
				}
				var ls []*ally.Lead
				for i := range 40 {
					l := ally.NewLead(&ally.LeadInput{Email: fmt.Sprintf("l%d@x.example", i)}, w.now)
					if err := rt.route(w.ctx, l); err != nil {
						return err
					}
					ls = append(ls, l)
				}
				if err := tx.CreateLeads(w.ctx, ls); err != nil {
					return err
				}
				if err := rt.flush(w.ctx, tx); err != nil {
					return err
				}
				return w.app.queueLeadEvents(w.ctx, tx, ls)
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := w.store.take(); n["FindDeliverySettingsFor"] != 1 || n["FindDeliverySettings"] != 0 || n["CreateDeliveries"] != 1 {
				t.Errorf("a batch over 20 partners: %v", n)
			}
			ds, err := w.store.FindDeliveries(w.ctx, ally.DeliveryFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			perTarget := map[string]int{}
			for _, d := range ds {
				if d.Channel != ally.ChannelEmail || d.Target != "leads@p"+strings.TrimPrefix(mustPartnerName(t, w, d.PartnerID), "P")+".example" {
					t.Errorf("delivery %s to %s (%s) for partner %s", d.ID, d.Target, d.Channel, d.PartnerID)
				}
				perTarget[d.Target]++
			}
			if len(ds) != 20 || len(perTarget) != 10 {
				t.Errorf("%d deliveries to %v, want 2 to each of the 10 partners with settings", len(ds), perTarget)
			}
		})
	}
}

func mustPartnerName(t *testing.T, w *routerWorld, id string) string {
	t.Helper()
	for _, p := range w.partners {
		if p.ID == id {
			return p.Name
		}
	}
	t.Fatalf("no partner %s", id)
	return ""
}
