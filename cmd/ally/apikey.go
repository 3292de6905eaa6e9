package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/allyprm/ally/internal/ally"
)

func apikeyCreateCommand() *command {
	var name, scopes string
	return &command{
		name:     "apikey create",
		synopsis: "--name N [--scopes partners:read,partners:write]",
		summary:  "make an API key; prints it once, as the last line",
		usesDB:   true,
		quiet:    true,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "what the key is for, e.g. \"HubSpot sync\" (required)")
			fs.StringVar(&scopes, "scopes", "", "comma- or space-separated scopes (default every scope): "+joinScopes(ally.AllScopes, ", "))
		},
		run: func(ctx context.Context, m *Main) error {
			if name == "" {
				return usagef("apikey create: --name is required")
			}
			nk := ally.NewAPIKey{Name: name}
			for _, s := range strings.FieldsFunc(scopes, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
				if !ally.Scope(s).Valid() {
					return usagef("apikey create: --scopes: unknown scope %q; known: %s", s, joinScopes(ally.AllScopes, ", "))
				}
				if !slices.Contains(nk.Scopes, ally.Scope(s)) {
					nk.Scopes = append(nk.Scopes, ally.Scope(s))
				}
			}
			k, secret, err := m.app.CreateAPIKey(ctx, ally.System("cli"), nk)
			if err != nil {
				return cliError("creating the API key", err)
			}
			fmt.Fprintf(m.Stdout, "created API key %s %q with scopes %s\n", k.ID, k.Name, joinScopes(k.Scopes, ","))
			fmt.Fprintln(m.Stdout, "the key is shown only now; send it as the x-api-key header:")
			fmt.Fprintln(m.Stdout, secret)
			return nil
		},
	}
}

func apikeyListCommand() *command {
	return &command{
		name:    "apikey list",
		summary: "list API keys (never their secrets)",
		usesDB:  true,
		quiet:   true,
		run: func(ctx context.Context, m *Main) error {
			keys, err := m.app.APIKeys(ctx, ally.System("cli"))
			if err != nil {
				return cliError("listing API keys", err)
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tPREFIX\tSCOPES\tCREATED\tLAST USED\tREVOKED")
			for _, k := range keys {
				fmt.Fprintf(w, "%s\t%s\t%s…\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, joinScopes(k.Scopes, ","),
					when(k.CreatedAt), when(k.LastUsedAt), when(k.RevokedAt))
			}
			return w.Flush()
		},
	}
}

func apikeyRevokeCommand() *command {
	return &command{
		name:     "apikey revoke",
		synopsis: "ID",
		summary:  "stop an API key from working",
		nargs:    1,
		usesDB:   true,
		quiet:    true,
		run: func(ctx context.Context, m *Main) error {
			id := m.args[0]
			if err := m.app.RevokeAPIKey(ctx, ally.System("cli"), id); err != nil {
				return cliError("revoking the API key", err)
			}
			fmt.Fprintf(m.Stdout, "revoked API key %s\n", id)
			return nil
		},
	}
}

func joinScopes(scopes []ally.Scope, sep string) string {
	s := make([]string, len(scopes))
	for i, sc := range scopes {
		s[i] = string(sc)
	}
	return strings.Join(s, sep)
}

// when shows a time in UTC to the minute, "-" for never.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}
