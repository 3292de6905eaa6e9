package main

import (
	"bufio"
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/store"
)

// env is the database the run uses, with what each process needs to reach it.
type env struct {
	allyEnv    []string // ALLY_* for the ally binary
	bareDriver string
	bareDSN    string
	store      store.Config
	engine     string
	cleanup    func()
}

func prepare(ctx context.Context, dir, databaseURL string) (*env, error) {
	if databaseURL == "" {
		path := filepath.Join(dir, "ally.db")
		return &env{
			allyEnv: []string{"ALLY_DATA_DIR=" + dir}, bareDriver: "sqlite", bareDSN: sqliteReaderDSN(path),
			store: store.Config{DataDir: dir}, engine: "sqlite", cleanup: func() {},
		}, nil
	}
	b := make([]byte, 4)
	_, _ = crand.Read(b)
	schema := "allyload_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, fmt.Errorf("creating schema: %w", err)
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	dsn := u.String()
	return &env{
		allyEnv: []string{"ALLY_DATA_DIR=" + dir, "ALLY_DATABASE_URL=" + dsn}, bareDriver: "pgx", bareDSN: dsn,
		store: store.Config{URL: dsn, DataDir: dir}, engine: "postgres",
		cleanup: func() {
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		},
	}, nil
}

// workspace makes a temporary data directory, the database in it (or a
// fresh PostgreSQL schema) and the ally binary; done removes them.
func workspace(ctx context.Context, o options) (e *env, allyBin string, done func(), err error) {
	dir, err := os.MkdirTemp("", "allyload-")
	if err != nil {
		return nil, "", nil, err
	}
	if e, err = prepare(ctx, dir, o.databaseURL); err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	done = func() { e.cleanup(); os.RemoveAll(dir) }
	if allyBin, err = buildAlly(ctx, o, dir); err != nil {
		done()
		return nil, "", nil, err
	}
	return e, allyBin, done, nil
}

func run(ctx context.Context, o options) error {
	e, allyBin, done, err := workspace(ctx, o)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(os.Stderr, "seeding %d partners on %s …\n", o.partners, e.engine)
	t0 := time.Now()
	ids, err := seed(ctx, e.store, o.partners)
	if err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	fmt.Fprintf(os.Stderr, "seeded in %s\n", time.Since(t0).Round(time.Millisecond))

	baseEnv := unlimitedEnv(e)
	key, err := createAPIKey(ctx, baseEnv, allyBin)
	if err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	allyURL, stopAlly, err := start(ctx, command(ctx, append(baseEnv, "ALLY_ADDR=127.0.0.1:0"), allyBin, "serve"))
	if err != nil {
		return fmt.Errorf("ally serve: %w", err)
	}
	defer stopAlly()
	jsonURL, stopJSON, err := start(ctx, command(ctx, os.Environ(), self, "bare", "-mode", "json"))
	if err != nil {
		return err
	}
	defer stopJSON()
	selectURL, stopSelect, err := start(ctx, command(ctx, os.Environ(), self, "bare", "-mode", "select", "-driver", e.bareDriver, "-dsn", e.bareDSN))
	if err != nil {
		return err
	}
	defer stopSelect()

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}, Timeout: 30 * time.Second}
	withKey := func(req *http.Request) *http.Request { req.Header.Set("x-api-key", key); return req }
	random := func(w, i int) string { return ids[rand.IntN(len(ids))] }

	deep, deepest, err := cursors(ctx, client, allyURL, key, "status=active", 2000)
	if err != nil {
		return err
	}
	list := func(cursor string) request {
		return func(w, i int) (*http.Request, error) {
			u := allyURL + "/api/v1/partners?status=active&limit=50"
			if cursor != "" {
				u += "&cursor=" + url.QueryEscape(cursor)
			}
			req, err := http.NewRequest("GET", u, nil)
			return withKey(req), err
		}
	}
	get := func(base string, auth bool) request {
		return func(w, i int) (*http.Request, error) {
			req, err := http.NewRequest("GET", base+random(w, i), nil)
			if auth {
				withKey(req)
			}
			return req, err
		}
	}
	patch := func(w, i int) (*http.Request, error) {
		body := fmt.Sprintf(`{"name":"Partner renamed %d-%d"}`, w, i)
		req, err := http.NewRequest("PATCH", allyURL+"/api/v1/partners/"+random(w, i), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return withKey(req), err
	}

	scenarios := []struct {
		name string
		next request
	}{
		{"bare JSON handler", get(jsonURL+"/partners/", false)},
		{"bare SELECT handler", get(selectURL+"/partners/", false)},
		{"GET /partners/{id}", get(allyURL+"/api/v1/partners/", true)},
		{"list 50, status=active, page 1", list("")},
		{"list 50, status=active, 2,000 deep", list(deep)},
		{"list 50, status=active, 90% deep", list(deepest)},
		{"PATCH /partners/{id}", patch},
	}
	var results []result
	for _, s := range scenarios {
		fmt.Fprintf(os.Stderr, "measuring %s …\n", s.name)
		results = append(results, drive(ctx, client, s.name, o.concurrency, o.warmup, o.duration, s.next))
	}
	report(os.Stdout, e.engine, o, results)
	return nil
}

// cursors walks the filtered list and returns the cursor after `depth` rows and after 90% of them.
func cursors(ctx context.Context, client *http.Client, base, key, filter string, depth int) (string, string, error) {
	var seen []string // cursor after each page of 200
	cursor := ""
	rows := 0
	atDepth := ""
	for {
		u := base + "/api/v1/partners?limit=200&" + filter
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
		req.Header.Set("x-api-key", key)
		resp, err := client.Do(req)
		if err != nil {
			return "", "", err
		}
		var page struct {
			Data       []json.RawMessage `json:"data"`
			NextCursor *string           `json:"nextCursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return "", "", fmt.Errorf("listing partners: %w", err)
		}
		rows += len(page.Data)
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
		seen = append(seen, cursor)
		if atDepth == "" && rows >= depth {
			atDepth = cursor
		}
	}
	if len(seen) == 0 {
		return "", "", fmt.Errorf("the filtered list has a single page")
	}
	return atDepth, seen[len(seen)*9/10], nil
}

func command(ctx context.Context, environ []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = environ
	cmd.Stderr = os.Stderr
	return cmd
}

// start runs a server process and returns its base URL, read from the
// "listening on http://…" line it prints on stdout or stderr.
func start(ctx context.Context, cmd *exec.Cmd) (string, func(), error) {
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); pw.Close() }
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "listening") {
				u := strings.Fields(line[i:])[0]
				found <- strings.Trim(u, `"`)
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case u := <-found:
		return strings.TrimSuffix(u, "/"), stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, fmt.Errorf("%s did not report its address", cmd.Path)
	case <-ctx.Done():
		stop()
		return "", nil, ctx.Err()
	}
}

// unlimitedEnv is the ally binary's environment with the API rate limit
// out of the way: the load is one key, far above a client's fair share.
func unlimitedEnv(e *env) []string {
	return append(append(os.Environ(), e.allyEnv...), "ALLY_API_RATE=1000000000", "ALLY_API_BURST=1000000000")
}

// createAPIKey makes an all-scopes key with the CLI and returns it.
func createAPIKey(ctx context.Context, env []string, allyBin string) (string, error) {
	out, err := command(ctx, env, allyBin, "apikey", "create", "--name", "load").Output()
	if err != nil {
		return "", fmt.Errorf("ally apikey create: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}
