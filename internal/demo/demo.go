// Package demo fills a database with a believable, deterministic demo
// dataset, through the application layer like any other caller: staff
// users, tiers, phases, experience templates and partners. Running it again
// adds only what is missing, so it never fails on a database it seeded before.
//
// Each kind of data is one step with its own random stream, so adding a
// step (contacts, leads, deals, invoices) leaves the earlier data unchanged.
package demo

import (
	"context"
	"hash/fnv"
	"math/rand/v2"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Password is the password of every demo staff user.
const Password = "ally-demo-password"

// DefaultSeed is the seed the ally demo command uses.
const DefaultSeed = 1

// Result says what Seed made and found.
type Result struct {
	Tiers, Phases, Templates int
	Users                    []*ally.User
	PartnersCreated          int // new in this run
	PartnersFound            int // already there from an earlier run
	Contacts                 int // new in this run
	PortalUsers              []PortalUser
	Rules                    int // routing rules there after the run
	Leads, UnassignedLeads   int // new in this run
}

// Seed fills the database behind a with the demo dataset made from seed.
func Seed(ctx context.Context, a *app.App, seed uint64) (*Result, error) {
	s := &seeder{app: a, actor: ally.System("demo"), seed: seed, res: &Result{}}
	steps := []struct {
		name string
		run  func(context.Context, *rand.Rand) error
	}{
		{"tiers", s.seedTiers},
		{"phases", s.seedPhases},
		{"templates", s.seedTemplates},
		{"users", s.seedUsers},
		{"partners", s.seedPartners},
		{"properties", s.seedProperties},
		{"template profiles", s.seedTemplateProfiles},
		{"contacts", s.seedContacts},
		{"rules", s.seedRules},
		{"delivery", s.seedDelivery},
		{"leads", s.seedLeads},
		// Later: deals, invoices — each a step of its own.
	}
	for _, st := range steps {
		if err := st.run(ctx, s.rand(st.name)); err != nil {
			return nil, err
		}
	}
	return s.res, nil
}

// seeder carries what the steps made, so later steps can refer to it.
type seeder struct {
	app   *app.App
	actor ally.Actor
	seed  uint64
	res   *Result

	tiers     []*ally.Tier  // in tierSpecs order, lowest rank first
	phases    []*ally.Phase // in phaseSpecs order
	templates []*ally.ExperienceTemplate
	users     map[string]*ally.User // by e-mail
}

// rand returns the random stream of one step: the same seed and step name
// always give the same numbers, whatever other steps draw.
func (s *seeder) rand(step string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(step))
	return rand.New(rand.NewPCG(s.seed, h.Sum64()))
}

// pick returns a random element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
