package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/allyprm/ally/internal/ally"
)

type userSpec struct {
	email, name string
	role        ally.Role
}

// userSpecs are the demo staff: one admin, two partner managers who own and
// manage partners, and a viewer. All share Password.
func userSpecs() []userSpec {
	return []userSpec{
		{"admin@ally.example", "Avery Quinn", ally.RoleAdmin},
		{"maria.lopez@ally.example", "María López", ally.RoleManager},
		{"sam.okafor@ally.example", "Sam Okafor", ally.RoleManager},
		{"jonas.berg@ally.example", "Jonas Berg", ally.RoleViewer},
	}
}

func (s *seeder) seedUsers(ctx context.Context, _ *rand.Rand) error {
	have, err := s.app.Users(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing users: %w", err)
	}
	s.users = map[string]*ally.User{}
	for _, spec := range userSpecs() {
		u := findByName(have, spec.email, func(u *ally.User) string { return u.Email })
		if u == nil {
			u, err = s.app.CreateUser(ctx, s.actor, ally.NewUser{Email: spec.email, Name: spec.name, Role: spec.role, Password: Password})
			if err != nil {
				return fmt.Errorf("demo: creating user %s: %w", spec.email, err)
			}
		}
		s.users[spec.email] = u
		s.res.Users = append(s.res.Users, u)
	}
	return nil
}

// managers returns the demo users who own and manage partners.
func (s *seeder) managers() []*ally.User {
	return []*ally.User{s.users["maria.lopez@ally.example"], s.users["sam.okafor@ally.example"], s.users["admin@ally.example"]}
}
