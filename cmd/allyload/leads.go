package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store"
)

// The leads run measures the partner portal's leads page with many leads:
// page 1 of one partner's leads against pages deep in its list, reached by
// walking the Next links the page itself renders, and the partner's CSV
// export. Aim: every depth's p99 within 1.5× of page 1's.

// portalUser signs in to the portal in the leads run.
const (
	portalEmail    = "load@partner-load.example"
	portalPassword = "allyload-portal-password"
)

func runLeads(ctx context.Context, o options) error {
	e, allyBin, done, err := workspace(ctx, o)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(os.Stderr, "seeding %d leads over %d partners on %s …\n", o.leads, o.leadPartners, e.engine)
	t0 := time.Now()
	if err := seedLeads(ctx, e.store, o.leadPartners, o.leads); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	fmt.Fprintf(os.Stderr, "seeded in %s\n", time.Since(t0).Round(time.Millisecond))

	env := unlimitedEnv(e)
	key, err := createAPIKey(ctx, env, allyBin)
	if err != nil {
		return err
	}
	allyURL, stop, err := start(ctx, command(ctx, append(env, "ALLY_ADDR=127.0.0.1:0"), allyBin, "serve"))
	if err != nil {
		return fmt.Errorf("ally serve: %w", err)
	}
	defer stop()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}}
	if err := portalSignIn(ctx, client, allyURL); err != nil {
		return err
	}
	depths, err := walkPortalLeads(ctx, client, allyURL)
	if err != nil {
		return err
	}
	page := func(path string) request {
		return func(w, i int) (*http.Request, error) { return http.NewRequest("GET", allyURL+path, nil) }
	}
	scenarios := []struct {
		name string
		next request
	}{
		{"portal leads, page 1", page("/partner/leads")},
		{"portal leads, 50% deep", page(depths.half)},
		{"portal leads, last page", page(depths.last)},
		{"portal leads, search q=ann", page("/partner/leads?q=ann")},
		{"portal leads CSV export (whole list)", page("/partner/leads/export.csv")},
	}
	var results []result
	for _, s := range scenarios {
		fmt.Fprintf(os.Stderr, "measuring %s …\n", s.name)
		results = append(results, drive(ctx, client, s.name, o.concurrency, o.warmup, o.duration, s.next))
	}
	// Last, as it adds leads: intake through the API, each lead routed
	// round-robin over every partner and queued for e-mail delivery.
	fmt.Fprintf(os.Stderr, "measuring lead intake (POST /api/v1/leads) …\n")
	intake := drive(ctx, client, "lead intake, POST /api/v1/leads", o.concurrency, o.warmup, o.duration, func(w, i int) (*http.Request, error) {
		body := fmt.Sprintf(`{"firstName":"Ada","lastName":"Load %d-%d","email":"ada.%d.%d@intake.example","company":"Intake %d Ltd","country":"BE","source":"web"}`, w, i, w, i, i%500)
		req, err := http.NewRequest("POST", allyURL+"/api/v1/leads", strings.NewReader(body))
		if err == nil {
			req.Header.Set("x-api-key", key)
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	})
	lag, err := awaitDelivery(ctx, e.store)
	if err != nil {
		return err
	}
	reportLeads(os.Stdout, e.engine, o, depths.rows, results, intake, lag)
	return nil
}

// deliveryLag is how far the server's delivery of new leads was behind
// when the intake stopped: leads not yet dispatched (their deliveries not
// written) and deliveries not yet sent.
type deliveryLag struct {
	waiting int           // dispatch jobs and pending deliveries
	drained time.Duration // until none was left
}

// awaitDelivery waits until the server has dispatched every lead and sent
// every delivery (the load's partners take e-mail, which ally serve writes
// to files when no SMTP server is set).
func awaitDelivery(ctx context.Context, cfg store.Config) (deliveryLag, error) {
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return deliveryLag{}, err
	}
	defer db.Close()
	t0 := time.Now()
	var lag deliveryLag
	for first := true; ; first = false {
		var n int
		if err := db.SQLDB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'pending')
			+ (SELECT COUNT(*) FROM deliveries WHERE status = 'pending')`, ally.JobDispatch).Scan(&n); err != nil {
			return lag, fmt.Errorf("counting what is not delivered: %w", err)
		}
		if first {
			lag.waiting = n
		}
		if n == 0 {
			lag.drained = time.Since(t0)
			return lag, nil
		}
		if time.Since(t0) > 2*time.Minute {
			return lag, fmt.Errorf("%d leads and deliveries still waiting after 2 minutes", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// buildAlly returns o.ally or builds ./cmd/ally into dir.
func buildAlly(ctx context.Context, o options, dir string) (string, error) {
	if o.ally != "" {
		return o.ally, nil
	}
	bin := filepath.Join(dir, "ally")
	fmt.Fprintln(os.Stderr, "building ally …")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/ally").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/ally: %v\n%s", err, out)
	}
	return bin, nil
}

// seedLeads writes an experience template with the Leads sections, the
// partners (each taking its leads by e-mail), a round-robin rule over them
// all, their leads (dealt round the partners, so each holds
// leads/partners) and one portal user at the first partner, straight
// through the store: fixture data, not the measured path.
func seedLeads(ctx context.Context, cfg store.Config, partners, leads int) error {
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	tmpl := &ally.ExperienceTemplate{ID: ally.NewID(ally.PrefixExperienceTemplate), Name: "Load",
		Sections: ally.Sections{Dashboard: true, Leads: true, LeadExport: true}, Profile: []ally.ProfileField{},
		CreatedAt: now, UpdatedAt: now, Version: 1}
	ids := make([]string, partners)
	err = db.Write(ctx, func(tx ally.Tx) error {
		if err := tx.CreateExperienceTemplate(ctx, tmpl); err != nil {
			return err
		}
		for i := range ids {
			p := &ally.Partner{ID: ally.NewID(ally.PrefixPartner), Name: fmt.Sprintf("Load partner %04d", i),
				Domain: fmt.Sprintf("partner-load%04d.example", i), Status: ally.StatusActive,
				PortalAccess: ally.AccessRestrictedUsers, ExperienceTemplateID: tmpl.ID, Categories: []string{"Reseller"},
				PartnerCRMProperties: map[string]any{}, CompanyCRMProperties: map[string]any{}, CustomProperties: map[string]any{},
				CreatedAt: now, UpdatedAt: now, Version: 1}
			if i == 0 {
				p.Domain = "partner-load.example"
			}
			if err := tx.CreatePartner(ctx, p); err != nil {
				return err
			}
			ids[i] = p.ID
			if err := tx.SaveDeliverySettings(ctx, &ally.DeliverySettings{PartnerID: p.ID,
				EmailTo: []string{fmt.Sprintf("leads@partner-load%04d.example", i)}, EmailOn: true, UpdatedAt: now}); err != nil {
				return err
			}
		}
		// The intake scenario's rule: every partner in turn.
		if err := tx.CreateRoutingRule(ctx, &ally.RoutingRule{ID: ally.NewID(ally.PrefixRule), Name: "Resellers in turn",
			Priority: 10, Enabled: true, Conditions: ally.RuleConditions{Categories: []string{"Reseller"}},
			Mode: ally.RouteRoundRobin, CreatedAt: now, UpdatedAt: now, Version: 1}); err != nil {
			return err
		}
		return tx.CreateContact(ctx, &ally.Contact{ID: ally.NewID(ally.PrefixContact), PartnerID: ids[0],
			Name: "Load Tester", Email: portalEmail, Roles: []ally.ContactRole{}, Portal: ally.PortalActive,
			PasswordHash: app.HashPassword(portalPassword), Notifications: map[string]bool{},
			CreatedAt: now, UpdatedAt: now, Version: 1})
	})
	if err != nil {
		return err
	}
	first := []string{"Anna", "Lukas", "Sofia", "Jonas", "Emma", "Noah", "Mila", "Liam"}
	statuses := []ally.LeadStatus{ally.LeadNew, ally.LeadNew, ally.LeadAccepted, ally.LeadContacted, ally.LeadWon, ally.LeadLost}
	const batch = 5000
	buf := make([]*ally.Lead, 0, batch)
	for start := 0; start < leads; start += batch {
		buf = buf[:0]
		for i := start; i < min(leads, start+batch); i++ {
			l := &ally.Lead{ID: ally.NewID(ally.PrefixLead), ExternalID: fmt.Sprintf("load-%07d", i),
				FirstName: first[i%len(first)], LastName: fmt.Sprintf("Lead%07d", i),
				Email: fmt.Sprintf("lead%07d@customer%05d.example", i, i%50000), Company: fmt.Sprintf("Customer %05d Ltd", i%50000),
				Country: "BE", Region: "EMEA", Source: []string{"web", "event", "referral"}[i%3], Custom: map[string]any{},
				PartnerID: ids[i%partners], Status: statuses[i%len(statuses)], ReceivedAt: now, AssignedAt: now, UpdatedAt: now, Version: 1}
			buf = append(buf, l)
		}
		if err := db.Write(ctx, func(tx ally.Tx) error { return tx.CreateLeads(ctx, buf) }); err != nil {
			return err
		}
	}
	if db.Engine() == store.EnginePostgres {
		if _, err := db.SQLDB().ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	return nil
}

// portalSignIn signs the portal user in; the jar keeps the session cookie.
func portalSignIn(ctx context.Context, client *http.Client, base string) error {
	form := url.Values{"email": {portalEmail}, "password": {portalPassword}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/partner/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.Request.URL.Path == "/partner/login" {
		return fmt.Errorf("portal sign-in failed (status %d)", resp.StatusCode)
	}
	return nil
}

// nextLink finds the Next page link the leads page renders.
var nextLink = regexp.MustCompile(`href="(/partner/leads\?[^"]*)" rel="next"`)

type leadDepths struct {
	half, last string
	rows       int
}

// walkPortalLeads follows Next from page 1 to the end, as a user would, and
// returns the paths of the page at half the list and of the last page.
func walkPortalLeads(ctx context.Context, client *http.Client, base string) (leadDepths, error) {
	var paths []string
	path := "/partner/leads"
	rows := 0
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			return leadDepths{}, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return leadDepths{}, fmt.Errorf("GET %s: status %d, %v", path, resp.StatusCode, err)
		}
		rows += strings.Count(string(body), `href="/partner/leads/lead_`)
		m := nextLink.FindSubmatch(body)
		if m == nil {
			break
		}
		path = html.UnescapeString(string(m[1]))
		paths = append(paths, path)
	}
	if len(paths) < 2 {
		return leadDepths{}, fmt.Errorf("the partner's leads fit on %d page(s); seed more leads", len(paths)+1)
	}
	return leadDepths{half: paths[len(paths)/2], last: paths[len(paths)-1], rows: rows}, nil
}

func reportLeads(w io.Writer, engine string, o options, partnerRows int, rs []result, intake result, lag deliveryLag) {
	fmt.Fprintf(w, "\nengine %s · %d leads over %d partners (%d rows on the signed-in partner's list) · %d clients · %s per scenario\n\n",
		engine, o.leads, o.leadPartners, partnerRows, o.concurrency, o.duration)
	fmt.Fprintf(w, "| scenario | req/s | p50 | p99 | errors | p99 ÷ page 1 p99 |\n|---|---:|---:|---:|---:|---:|\n")
	first := rs[0]
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d | %.2f |\n", r.name, r.rps(), ms(r.p50), ms(r.p99), r.errors,
			float64(r.p99)/float64(first.p99))
	}
	if export := rs[len(rs)-1]; partnerRows > 0 {
		fmt.Fprintf(w, "\nCSV export: %.0f rows/s across %d clients (%d rows per export)\n", export.rps()*float64(partnerRows), o.concurrency, partnerRows)
	}
	fmt.Fprintf(w, "\n| %s | %.0f leads/s | p50 %s | p99 %s | %d errors |\n", intake.name, intake.rps(), ms(intake.p50), ms(intake.p99), intake.errors)
	fmt.Fprintf(w, "\nDelivery: %d leads to dispatch and e-mails to send when the intake stopped, none %s later\n",
		lag.waiting, ms(lag.drained))
}
