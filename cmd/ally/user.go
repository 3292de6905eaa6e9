package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

func userCreateCommand() *command {
	var nu ally.NewUser
	var role string
	return &command{
		name:     "user create",
		synopsis: "--email E --password P --role R [--name N]",
		summary:  "add a staff user (role owner, admin, manager or viewer)",
		usesDB:   true,
		quiet:    true,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&nu.Email, "email", "", "e-mail address, used to sign in (required)")
			fs.StringVar(&nu.Password, "password", "", fmt.Sprintf("password, at least %d characters (required)", ally.MinPasswordLen))
			fs.StringVar(&role, "role", "", "owner, admin, manager or viewer (required)")
			fs.StringVar(&nu.Name, "name", "", "display name")
		},
		run: func(ctx context.Context, m *Main) error {
			if nu.Email == "" || nu.Password == "" || role == "" {
				return usagef("user create: --email, --password and --role are required")
			}
			nu.Role = ally.Role(role)
			u, err := m.app.CreateUser(ctx, ally.System("cli"), nu)
			if err != nil {
				return cliError("creating the user", err)
			}
			fmt.Fprintf(m.Stdout, "created %s user %s (%s)\n", u.Role, u.Email, u.ID)
			return nil
		},
	}
}
