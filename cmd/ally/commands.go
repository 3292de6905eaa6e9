package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/allyprm/ally/internal/config"
)

// command is one subcommand of ally.
type command struct {
	name     string                 // "serve", "apikey create"
	synopsis string                 // its flags and arguments, for usage
	summary  string                 // one line on what it does
	flags    func(fs *flag.FlagSet) // registers the command's own flags; may be nil
	nargs    int                    // positional arguments it takes
	noConfig bool                   // runs without configuration (version)
	usesDB   bool                   // opens and migrates the database first
	quiet    bool                   // logs only warnings unless a log level is set
	run      func(context.Context, *Main) error
}

// commands returns the subcommands, each with fresh flag variables.
func commands() []*command {
	return []*command{
		serveCommand(),
		migrateCommand(),
		userCreateCommand(),
		userResetTOTPCommand(),
		apikeyCreateCommand(),
		apikeyListCommand(),
		apikeyRevokeCommand(),
		demoCommand(),
		versionCommand(),
	}
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// ParseFlags finds the command in args, parses its flags (and the
// configuration flags) and loads the configuration from flags and environment.
func (m *Main) ParseFlags(args []string) error {
	if len(args) == 0 {
		m.usage(m.Stderr)
		return usagef("no command given")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		m.usage(m.Stdout)
		return flag.ErrHelp
	}
	cmd, rest := findCommand(args)
	if cmd == nil {
		m.usage(m.Stderr)
		return usagef("unknown command %q", commandWords(args))
	}
	fs := flag.NewFlagSet("ally "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by Execute
	fs.Usage = func() {}
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	var loader *config.Loader
	if !cmd.noConfig {
		loader = config.Bind(fs)
	}
	pos, err := parseInterspersed(fs, rest)
	if err == flag.ErrHelp {
		commandUsage(m.Stdout, cmd, fs)
		return err
	}
	if err == nil && len(pos) != cmd.nargs {
		err = fmt.Errorf("wants %d argument(s), got %d", cmd.nargs, len(pos))
	}
	if err != nil {
		commandUsage(m.Stderr, cmd, fs)
		return usagef("%s: %v", cmd.name, err)
	}
	m.cmd, m.args = cmd, pos
	if loader != nil {
		if m.cfg, err = loader.Load(m.Getenv); err != nil {
			return err
		}
	}
	return nil
}

// findCommand matches the longest command name at the start of args.
func findCommand(args []string) (*command, []string) {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):]
		}
	}
	return nil, nil
}

// commandWords returns what the user meant as the command: one word, or two
// when the first names a group like "apikey".
func commandWords(args []string) string {
	for _, c := range commands() {
		if len(args) > 1 && strings.HasPrefix(c.name, args[0]+" ") {
			return args[0] + " " + args[1]
		}
	}
	return args[0]
}

// parseInterspersed parses flags that come before, between or after
// positional arguments, so "apikey revoke ID --data-dir d" works.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprint(w, `Ally is a self-hosted partner relationship manager (PRM) with a partner portal.

Usage:
  ally <command> [flags]

Commands:
`)
	for _, c := range commands() {
		name := c.name
		if c.nargs > 0 {
			name += " " + c.synopsis
		}
		fmt.Fprintf(w, "  %-17s %s\n", name, c.summary)
	}
	fmt.Fprintf(w, "  %-17s %s\n", "help", "print this help")
	fmt.Fprint(w, `
Settings, by flag or environment variable (the flag wins):
`)
	for _, s := range config.Settings() {
		f := ""
		if s.Flag != "" {
			f = "--" + s.Flag
		}
		def := ""
		if s.Default != "" {
			def = " (default " + s.Default + ")"
		}
		fmt.Fprintf(w, "  %-22s %-20s %s%s\n", s.Env, f, s.Usage, def)
	}
	fmt.Fprint(w, `
Run "ally <command> -h" for a command's flags.
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: ally %s %s\n\n%s\n", c.name, c.synopsis, c.summary)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags (settings also read ALLY_* variables; see \"ally help\"):")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}
