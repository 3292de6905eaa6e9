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

func userResetTOTPCommand() *command {
	var email string
	return &command{
		name:     "user reset-2fa",
		synopsis: "--email E",
		summary:  "turn a staff user's two-step sign-in off (lost authenticator app or ALLY_SECRET_KEY)",
		usesDB:   true,
		quiet:    true,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&email, "email", "", "the user's e-mail address (required)")
		},
		run: func(ctx context.Context, m *Main) error {
			if email == "" {
				return usagef("user reset-2fa: --email is required")
			}
			cli := ally.System("cli")
			u, err := m.app.UserByEmail(ctx, cli, email)
			if err != nil {
				return cliError("finding the user", err)
			}
			if err := m.app.ResetTOTP(ctx, cli, u.ID); err != nil {
				return cliError("turning two-step sign-in off", err)
			}
			fmt.Fprintf(m.Stdout, "two-step sign-in is off for %s; they sign in with their password and may set it up again\n", u.Email)
			return nil
		},
	}
}
