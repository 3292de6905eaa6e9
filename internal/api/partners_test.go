package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/api"
)

func TestCreatePartnerUpsertsByDomain(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		first := must(t, e.do("POST", "/api/v1/partners", map[string]any{
			"name": "Acme", "domain": "ACME.example", "categories": []string{"Reseller"},
			"externalId": "crm-1", "externalIdType": "PARTNER", "companyCrmProperties": map[string]any{"domain": "acme.example", "size": 10},
			"partnerObjectCrmProperties": map[string]any{"size": 12},
		}), http.StatusCreated)
		p := first.data(t)
		if p["domain"] != "acme.example" || p["status"] != "onboarding" || p["version"] != 1.0 {
			t.Errorf("created %v", p)
		}
		if first.header.Get("ETag") != `"1"` {
			t.Errorf("ETag %q", first.header.Get("ETag"))
		}
		crm := p["crmProperties"].(map[string]any)
		if crm["size"] != 12.0 || crm["domain"] != "acme.example" {
			t.Errorf("crmProperties %v: the partner object must win over the company", crm)
		}
		for _, f := range []string{"tierId", "phaseId", "owner", "manager", "managerEmail", "externalCompanyId", "lastActivityAt"} {
			if v, ok := p[f]; !ok || v != nil {
				t.Errorf("%s = %v (present %v), want null", f, v, ok)
			}
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", p["createdAt"].(string)); err != nil {
			t.Errorf("createdAt %q is not RFC 3339 UTC with milliseconds", p["createdAt"])
		}

		second := must(t, e.do("POST", "/api/v1/partners", map[string]any{"name": "Acme Corp", "domain": "acme.example"}), http.StatusOK)
		q := second.data(t)
		if q["id"] != p["id"] || q["name"] != "Acme Corp" || q["version"] != 2.0 || second.header.Get("ETag") != `"2"` {
			t.Errorf("matched by domain: %v (ETag %s)", q, second.header.Get("ETag"))
		}
		items, _ := must(t, e.do("GET", "/api/v1/partners", nil), http.StatusOK).list(t)
		if len(items) != 1 {
			t.Errorf("%d partners after an upsert, want 1", len(items))
		}
	})
}

func TestPartnerByExternalIDAndDomainClear(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		owner := e.newUser("owner@vendor.example")
		tier := must(t, e.do("POST", "/api/v1/tiers", `{"name":"Gold","rank":3}`), http.StatusCreated).data(t)["id"].(string)
		phase := must(t, e.do("POST", "/api/v1/phases", `{"name":"Grow","position":4}`), http.StatusCreated).data(t)["id"].(string)
		tmpl := must(t, e.do("POST", "/api/v1/experience-templates", `{"name":"Standard"}`), http.StatusCreated).data(t)["id"].(string)
		p := e.createPartner(map[string]any{"name": "Acme", "domain": "acme.example", "externalId": "crm-42"})

		got := must(t, e.do("GET", "/api/v1/partners/crm-42", nil), http.StatusOK)
		if got.data(t)["id"] != p["id"] || got.header.Get("ETag") != `"1"` {
			t.Errorf("GET by externalId: %s", got.body)
		}
		r := must(t, e.do("PATCH", "/api/v1/partners/crm-42", map[string]any{
			"name": "Acme Strategic Partners", "tierId": tier, "phaseId": phase, "partnerOwnerId": owner,
			"experienceTemplateId": tmpl, "portalAccess": "RESTRICTED_DOMAINS",
		}), http.StatusOK)
		d := r.data(t)
		if d["id"] != p["id"] || d["name"] != "Acme Strategic Partners" || d["tierId"] != tier || d["phaseId"] != phase ||
			d["portalAccess"] != "RESTRICTED_DOMAINS" || d["experienceTemplateId"] != tmpl || d["partnerOwnerId"] != owner {
			t.Errorf("PATCH by externalId: %s", r.body)
		}
		if o, _ := d["owner"].(map[string]any); o == nil || o["id"] != owner || o["email"] != "owner@vendor.example" {
			t.Errorf("owner %v", d["owner"])
		}
		if r.header.Get("ETag") != fmt.Sprintf(`"%v"`, d["version"]) {
			t.Errorf("ETag %s, version %v", r.header.Get("ETag"), d["version"])
		}

		cleared := must(t, e.do("PATCH", "/api/v1/partners/"+p["id"].(string), `{"domain":null}`), http.StatusOK).data(t)
		if v, ok := cleared["domain"]; !ok || v != nil {
			t.Errorf("domain after null: %v", v)
		}
		if cleared["name"] != "Acme Strategic Partners" || cleared["tierId"] != tier {
			t.Errorf("a PATCH of domain touched other fields: %v", cleared)
		}
		// With the domain gone, a POST with it creates a new partner.
		must(t, e.do("POST", "/api/v1/partners", `{"name":"Other Acme","domain":"acme.example"}`), http.StatusCreated)
	})
}

func TestArchiveRestore(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		p := e.createPartner(map[string]any{"name": "Acme", "status": "dormant"})
		id := p["id"].(string)
		a := must(t, e.do("POST", "/api/v1/partners/"+id+"/archive", nil, "If-Match", `"1"`), http.StatusOK).data(t)
		if a["status"] != "archived" {
			t.Errorf("after archive: %v", a["status"])
		}
		items, _ := must(t, e.do("GET", "/api/v1/partners?status=archived", nil), http.StatusOK).list(t)
		if len(items) != 1 || items[0]["id"] != id {
			t.Errorf("archived list: %v", items)
		}
		r := must(t, e.do("POST", "/api/v1/partners/"+id+"/restore", nil), http.StatusOK)
		if r.data(t)["status"] != "dormant" {
			t.Errorf("restore gave %v, want the status before archiving (dormant)", r.data(t)["status"])
		}
		if r.header.Get("ETag") != `"3"` {
			t.Errorf("ETag %s after archive and restore", r.header.Get("ETag"))
		}
	})
}

func TestListPartnersFiltersAndPaging(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		owner := e.newUser("owner@vendor.example")
		tier := must(t, e.do("POST", "/api/v1/tiers", `{"name":"Gold"}`), http.StatusCreated).data(t)["id"].(string)
		phase := must(t, e.do("POST", "/api/v1/phases", `{"name":"Grow"}`), http.StatusCreated).data(t)["id"].(string)
		const n = 23
		want := map[string]bool{}
		for i := range n {
			body := map[string]any{"name": fmt.Sprintf("Partner %02d", i), "domain": fmt.Sprintf("p%02d.example", i)}
			if i%2 == 0 {
				body["status"] = "active"
				body["categories"] = []string{"Reseller"}
			}
			if i%3 == 0 {
				body["tierId"] = tier
				body["phaseId"] = phase
			}
			if i%5 == 0 {
				body["partnerOwnerId"] = owner
			}
			want[e.createPartner(body)["id"].(string)] = true
		}

		seen := map[string]int{}
		cursor, pages := "", 0
		for {
			path := "/api/v1/partners?limit=5"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			items, next := must(t, e.do("GET", path, nil), http.StatusOK).list(t)
			pages++
			if len(items) > 5 {
				t.Fatalf("page of %d, limit 5", len(items))
			}
			for _, it := range items {
				seen[it["id"].(string)]++
			}
			if next == "" {
				break
			}
			cursor = next
			if pages > n {
				t.Fatal("paging does not end")
			}
		}
		if pages != 5 || len(seen) != n {
			t.Errorf("%d pages, %d partners; want 5 and %d", pages, len(seen), n)
		}
		for id, c := range seen {
			if c != 1 || !want[id] {
				t.Errorf("partner %s seen %d times", id, c)
			}
		}
		_, next := must(t, e.do("GET", "/api/v1/partners?limit=23", nil), http.StatusOK).list(t)
		if next != "" {
			t.Errorf("nextCursor %q on the last page", next)
		}

		for _, c := range []struct {
			query string
			count int
		}{
			{"status=active", 12},
			{"status=onboarding", 11},
			{"category=Reseller", 12},
			{"tierId=" + tier, 8},
			{"phaseId=" + phase, 8},
			{"ownerId=" + owner, 5},
			{"q=partner%2007", 1},
			{"q=P1", 10},
			{"q=p03.EXAMPLE", 1},
			{"status=active&tierId=" + tier, 4},
			{"status=archived", 0},
		} {
			items, _ := must(t, e.do("GET", "/api/v1/partners?limit=200&"+c.query, nil), http.StatusOK).list(t)
			if len(items) != c.count {
				t.Errorf("?%s: %d partners, want %d", c.query, len(items), c.count)
			}
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		body := `{"name":"Acme","domain":"acme.example"}`
		first := must(t, e.do("POST", "/api/v1/partners", body, "Idempotency-Key", "k-1"), http.StatusCreated)
		again := must(t, e.do("POST", "/api/v1/partners", body, "Idempotency-Key", "k-1"), http.StatusCreated)
		if string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %s (replayed %q), want %s", again.body, again.header.Get("Idempotent-Replayed"), first.body)
		}
		if again.header.Get("ETag") != first.header.Get("ETag") {
			t.Errorf("replayed ETag %q, want %q", again.header.Get("ETag"), first.header.Get("ETag"))
		}
		if first.header.Get("Idempotent-Replayed") != "" {
			t.Error("the first response is marked replayed")
		}
		items, _ := must(t, e.do("GET", "/api/v1/partners", nil), http.StatusOK).list(t)
		if len(items) != 1 {
			t.Errorf("%d partners after a replayed create, want 1", len(items))
		}
		if er := must(t, e.do("POST", "/api/v1/partners", `{"name":"Other"}`, "Idempotency-Key", "k-1"), 422).err(t); er.Code != "validation_failed" {
			t.Errorf("reused key: %+v", er)
		}
		// Keys are per API key, and per path.
		other := e.newKey("other")
		must(t, e.doKey(other, "POST", "/api/v1/partners", `{"name":"Second"}`, "Idempotency-Key", "k-1"), http.StatusCreated)
		id := first.data(t)["id"].(string)
		must(t, e.do("POST", "/api/v1/partners/"+id+"/archive", nil, "Idempotency-Key", "k-1"), 422)
		must(t, e.do("POST", "/api/v1/partners/"+id+"/archive", nil, "Idempotency-Key", "arch-1"), http.StatusOK)
		r := must(t, e.do("POST", "/api/v1/partners/"+id+"/archive", nil, "Idempotency-Key", "arch-1"), http.StatusOK)
		if r.header.Get("Idempotent-Replayed") != "true" {
			t.Error("archive not replayed")
		}
		// A refused request is replayed as refused, and changes nothing.
		bad := must(t, e.do("POST", "/api/v1/partners", `{"name":""}`, "Idempotency-Key", "bad-1"), 422)
		bad2 := must(t, e.do("POST", "/api/v1/partners", `{"name":""}`, "Idempotency-Key", "bad-1"), 422)
		if string(bad.body) != string(bad2.body) {
			t.Errorf("replayed error %s, want %s", bad2.body, bad.body)
		}
	})
}

func TestIdempotencyKeyConcurrent(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		const n = 8
		statuses := make([]int, n)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r := e.do("POST", "/api/v1/partners", `{"name":"Race"}`, "Idempotency-Key", "race")
				statuses[i] = r.status
				if r.status == http.StatusCreated {
					ids[i] = r.data(t)["id"].(string)
				} else {
					r.err(t)
				}
			})
		}
		wg.Wait()
		created := map[string]bool{}
		for i, s := range statuses {
			switch s {
			case http.StatusCreated:
				created[ids[i]] = true
			case http.StatusConflict:
			default:
				t.Errorf("status %d, want 201 or 409", s)
			}
		}
		items, _ := must(t, e.do("GET", "/api/v1/partners", nil), http.StatusOK).list(t)
		if len(items) != 1 || len(created) != 1 {
			t.Errorf("%d partners, %d distinct ids answered; want 1 and 1 (statuses %v)", len(items), len(created), statuses)
		}
	})
}

func TestConcurrentPatchSameVersion(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		id := e.createPartner(map[string]any{"name": "Acme"})["id"].(string)
		for round := range 30 {
			r := must(t, e.do("GET", "/api/v1/partners/"+id, nil), http.StatusOK)
			tag := r.header.Get("ETag")
			var statuses [2]int
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					body := `{"name":"Round ` + strconv.Itoa(round) + ` writer ` + strconv.Itoa(i) + `"}`
					statuses[i] = e.do("PATCH", "/api/v1/partners/"+id, body, "If-Match", tag).status
				})
			}
			wg.Wait()
			ok, stale := 0, 0
			for _, s := range statuses {
				switch s {
				case http.StatusOK:
					ok++
				case http.StatusPreconditionFailed:
					stale++
				}
			}
			if ok != 1 || stale != 1 {
				t.Fatalf("round %d: statuses %v, want one 200 and one 412", round, statuses)
			}
		}
		v := must(t, e.do("GET", "/api/v1/partners/"+id, nil), http.StatusOK).data(t)["version"]
		if v != 31.0 {
			t.Errorf("version %v after 30 winning writes, want 31", v)
		}
	})
}
