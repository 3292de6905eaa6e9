package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/allyprm/ally/internal/demo"
)

func demoCommand() *command {
	var seed uint64
	return &command{
		name:     "demo",
		synopsis: "[--seed N]",
		summary:  "fill the database with a demo dataset (safe to run again)",
		usesDB:   true,
		quiet:    true,
		flags: func(fs *flag.FlagSet) {
			fs.Uint64Var(&seed, "seed", demo.DefaultSeed, "random seed; the same seed gives the same data")
		},
		run: func(ctx context.Context, m *Main) error {
			res, err := demo.Seed(ctx, m.app, seed)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "demo data ready: %d tiers, %d phases, %d experience templates, %d staff users, %d partners (%d new)\n",
				res.Tiers, res.Phases, res.Templates, len(res.Users), res.PartnersCreated+res.PartnersFound, res.PartnersCreated)
			if res.Leads > 0 {
				fmt.Fprintf(m.Stdout, "%d routing rules; %d new leads, %d of them waiting in the unassigned queue\n",
					res.Rules, res.Leads, res.UnassignedLeads)
			}
			fmt.Fprintf(m.Stdout, "\nstaff users, all with the password %s:\n", demo.Password)
			w := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
			for _, u := range res.Users {
				fmt.Fprintf(w, "  %s\t%s\t%s\n", u.Email, u.Role, u.Name)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "\nsign in at %s/admin/login\n", m.cfg.BaseURL)
			if len(res.PortalUsers) > 0 {
				fmt.Fprintf(m.Stdout, "\npartner portal users (%s/partner/login), temporary password %s — you choose your own at first sign-in:\n",
					m.cfg.BaseURL, demo.PortalUserPassword)
				for _, u := range res.PortalUsers {
					fmt.Fprintf(w, "  %s\t%s\n", u.Email, u.Partner)
				}
			}
			return w.Flush()
		},
	}
}
