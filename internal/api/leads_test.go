package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/api"
)

// newLead posts a lead and returns it.
func (e *env) newLead(body map[string]any) map[string]any {
	e.tb.Helper()
	return must(e.tb, e.do("POST", "/api/v1/leads", body), http.StatusCreated).data(e.tb)
}

// leadIDs pages through the lead list at query with pages of size and
// returns the ids in the order served.
func (e *env) leadIDs(query string, size int) []string {
	e.tb.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		path := fmt.Sprintf("/api/v1/leads?limit=%d&%s", size, query)
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		items, next := must(e.tb, e.do("GET", path, nil), http.StatusOK).list(e.tb)
		if len(items) > size {
			e.tb.Fatalf("?%s: a page of %d, limit %d", query, len(items), size)
		}
		for _, it := range items {
			if _, ok := it["routing"]; ok {
				e.tb.Errorf("?%s: a list item carries the routing explanation", query)
			}
			ids = append(ids, it["id"].(string))
		}
		if next == "" {
			return ids
		}
		if pages > 100 {
			e.tb.Fatalf("?%s: paging does not end", query)
		}
		cursor = next
	}
}

func TestCreateAndGetLead(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		acme := e.createPartner(map[string]any{"name": "Acme", "status": "active"})["id"].(string)

		r := must(t, e.do("POST", "/api/v1/leads", map[string]any{
			"firstName": "Ana", "lastName": "Peeters", "email": " Ana@Example.COM ", "company": "Buyer NV",
			"country": "be", "source": "Web", "custom": map[string]any{"budget": 5000}, "partnerId": acme,
		}), http.StatusCreated)
		l := r.data(t)
		if l["email"] != "ana@example.com" || l["country"] != "BE" || l["source"] != "web" || l["partnerId"] != acme ||
			l["partnerName"] != "Acme" || l["status"] != "new" || l["version"] != 1.0 || r.header.Get("ETag") != `"1"` {
			t.Errorf("created %s (ETag %s)", r.body, r.header.Get("ETag"))
		}
		if c, _ := l["custom"].(map[string]any); c["budget"] != 5000.0 {
			t.Errorf("custom %v", l["custom"])
		}
		for _, f := range []string{"receivedAt", "assignedAt", "updatedAt"} {
			if _, err := time.Parse("2006-01-02T15:04:05.000Z", fmt.Sprint(l[f])); err != nil {
				t.Errorf("%s %v is not RFC 3339 UTC with milliseconds", f, l[f])
			}
		}
		routing, _ := l["routing"].(map[string]any)
		if routing["outcome"] != "direct" || routing["partnerId"] != acme {
			t.Errorf("routing of a direct lead: %v", l["routing"])
		}

		got := must(t, e.do("GET", "/api/v1/leads/"+l["id"].(string), nil), http.StatusOK)
		if got.data(t)["id"] != l["id"] || got.header.Get("ETag") != `"1"` || got.data(t)["routing"] == nil {
			t.Errorf("GET: %s", got.body)
		}

		// No rule places it: it waits, unassigned, and says why.
		u := e.newLead(map[string]any{"email": "bob@example.com"})
		if _, ok := u["partnerId"]; ok {
			t.Errorf("unassigned lead has partnerId %v", u["partnerId"])
		}
		if _, ok := u["assignedAt"]; ok {
			t.Errorf("unassigned lead has assignedAt %v", u["assignedAt"])
		}
		if routing, _ := u["routing"].(map[string]any); routing["outcome"] != "unassigned" || routing["reason"] == "" {
			t.Errorf("routing of an unplaced lead: %v", u["routing"])
		}
		must(t, e.do("GET", "/api/v1/leads/lead_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", nil), http.StatusNotFound).err(t)
	})
}

func TestListLeadsFiltersSortsAndPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		acme := e.createPartner(map[string]any{"name": "Acme", "status": "active"})["id"].(string)
		globex := e.createPartner(map[string]any{"name": "Globex", "status": "active"})["id"].(string)
		companies := []string{"Delta", "alpha", "Charlie", "bravo", "Echo", "alpha"}
		var ids []string
		for i, c := range companies {
			body := map[string]any{"email": fmt.Sprintf("p%d@example.com", i), "company": c, "source": "web"}
			switch i % 3 {
			case 0:
				body["partnerId"] = acme
			case 1:
				body["partnerId"] = globex
				body["source"] = "event"
			}
			if i == 4 {
				body["firstName"], body["lastName"] = "Zoë", "Needle"
			}
			ids = append(ids, e.newLead(body)["id"].(string))
		}
		must(t, e.do("POST", "/api/v1/leads/"+ids[3]+"/status", map[string]any{"status": "won"}), http.StatusOK)

		reversed := slices.Clone(ids)
		slices.Reverse(reversed)
		for _, size := range []int{1, 4, 200} {
			if got := e.leadIDs("", size); !slices.Equal(got, reversed) {
				t.Errorf("newest first in pages of %d: %v, want %v", size, got, reversed)
			}
			if got := e.leadIDs("sort=oldest", size); !slices.Equal(got, ids) {
				t.Errorf("oldest first in pages of %d: %v, want %v", size, got, ids)
			}
			got := e.leadIDs("sort=company", size)
			// alpha (1), alpha (5), bravo, Charlie, Delta, Echo: case-insensitive, ties by id.
			want := []string{ids[1], ids[5], ids[3], ids[2], ids[0], ids[4]}
			if !slices.Equal(got, want) {
				t.Errorf("company sort in pages of %d: %v, want %v", size, got, want)
			}
		}

		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"partnerId=" + acme, []string{ids[3], ids[0]}},
			{"partnerId=" + globex, []string{ids[4], ids[1]}},
			{"unassigned=true", []string{ids[5], ids[2]}},
			{"status=won", []string{ids[3]}},
			{"status=new&partnerId=" + acme, []string{ids[0]}},
			{"source=event", []string{ids[4], ids[1]}},
			{"q=needle", []string{ids[4]}},
			{"q=P2%40EXAMPLE", []string{ids[2]}},
			{"q=ALPHA", []string{ids[5], ids[1]}},
			{"receivedFrom=" + today, reversed},
			{"receivedTo=" + today, reversed}, // a date runs to its end
			{"receivedFrom=" + tomorrow, nil},
			{"receivedTo=" + url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)), nil},
			{"receivedFrom=" + url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339)), reversed},
		} {
			if got := e.leadIDs(c.query, 200); !slices.Equal(got, c.want) {
				t.Errorf("?%s: %v, want %v", c.query, got, c.want)
			}
		}
	})
}

func TestLeadListParameters(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		for i := range 3 {
			e.newLead(map[string]any{"email": fmt.Sprintf("p%d@example.com", i), "company": "Acme"})
		}
		_, byID := must(t, e.do("GET", "/api/v1/leads?limit=1", nil), http.StatusOK).list(t)
		_, byCompany := must(t, e.do("GET", "/api/v1/leads?limit=1&sort=company", nil), http.StatusOK).list(t)
		for _, c := range []struct {
			query  string
			status int
			field  string
		}{
			{"limit=0", 422, "limit"},
			{"status=gone", 422, "status"},
			{"sort=size", 422, "sort"},
			{"unassigned=maybe", 422, "unassigned"},
			{"receivedFrom=yesterday", 422, "receivedFrom"},
			{"receivedTo=2026-13-01", 422, "receivedTo"},
			{"unassigned=true&partnerId=ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", 422, "unassigned"},
			{"cursor=%21%21", 400, "cursor"},
			{"cursor=bm90LWFuLWlk", 400, "cursor"},
			{"cursor=" + byCompany, 400, "cursor"},         // a company cursor for the newest sort
			{"sort=company&cursor=" + byID, 400, "cursor"}, // and the other way round
			{"sort=oldest&cursor=" + byCompany, 400, "cursor"},
		} {
			r := e.do("GET", "/api/v1/leads?"+c.query, nil)
			if r.status != c.status {
				t.Errorf("?%s: status %d, want %d: %s", c.query, r.status, c.status, r.body)
				continue
			}
			if er := r.err(t); !slices.Contains(er.fieldNames(), c.field) {
				t.Errorf("?%s: fields %v, want %q", c.query, er.fieldNames(), c.field)
			}
		}
		must(t, e.do("GET", "/api/v1/leads?sort=company&cursor="+byCompany, nil), http.StatusOK)
		must(t, e.do("GET", "/api/v1/leads?sort=oldest&cursor="+byID, nil), http.StatusOK)
	})
}

func TestCreateLeadValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		snap := func() string {
			return string(must(t, e.do("GET", "/api/v1/leads?limit=200", nil), 200).body) +
				string(must(t, e.do("GET", "/api/v1/audit-events?limit=200", nil), 200).body)
		}
		checkRefused(t, e, "POST", "/api/v1/leads", []badRequest{
			{"nothing", `{}`, 422, "email"},
			{"name without company", `{"firstName":"Ana"}`, 422, "email"},
			{"bad e-mail", `{"email":"ana at example"}`, 422, "email"},
			{"e-mail null", `{"email":null}`, 422, "email"},
			{"e-mail number", `{"email":5}`, 422, "email"},
			{"country name", `{"email":"a@example.com","country":"Belgium"}`, 422, "country"},
			{"bad domain", `{"email":"a@example.com","companyDomain":"https://acme.example"}`, 422, "companyDomain"},
			{"phone letters", `{"email":"a@example.com","phone":"call me"}`, 422, "phone"},
			{"long company", `{"email":"a@example.com","company":"` + strings.Repeat("c", 201) + `"}`, 422, "company"},
			{"long message", `{"email":"a@example.com","message":"` + strings.Repeat("m", 5001) + `"}`, 422, "message"},
			{"NUL in name", `{"email":"a@example.com","firstName":"a\u0000b"}`, 422, "firstName"},
			{"nested custom", `{"email":"a@example.com","custom":{"a":{"b":1}}}`, 422, "custom"},
			{"not a partner id", `{"email":"a@example.com","partnerId":"acme"}`, 422, "partnerId"},
			{"unknown partner", `{"email":"a@example.com","partnerId":"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"}`, 422, "partnerId"},
			{"read-only status", `{"email":"a@example.com","status":"won"}`, 400, "status"},
			{"read-only id", `{"email":"a@example.com","id":"lead_x"}`, 400, "id"},
			{"unknown field", `{"email":"a@example.com","budget":5}`, 400, "budget"},
			{"malformed JSON", `{"email":`, 400, ""},
		}, snap)
	})
}

func TestAssignAndStatus(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		acme := e.createPartner(map[string]any{"name": "Acme", "status": "active"})["id"].(string)
		globex := e.createPartner(map[string]any{"name": "Globex", "status": "active"})["id"].(string)
		id := e.newLead(map[string]any{"email": "ana@example.com", "company": "Buyer"})["id"].(string)
		path := "/api/v1/leads/" + id

		r := must(t, e.do("POST", path+"/assign", map[string]any{"partnerId": acme}, "If-Match", `"1"`), http.StatusOK)
		l := r.data(t)
		routing, _ := l["routing"].(map[string]any)
		if l["partnerId"] != acme || l["assignedAt"] == nil || r.header.Get("ETag") != `"2"` || routing["outcome"] != "manual" {
			t.Fatalf("assigned: %s", r.body)
		}
		must(t, e.do("POST", path+"/assign", map[string]any{"partnerId": globex}, "If-Match", `"1"`), http.StatusPreconditionFailed).err(t)
		must(t, e.do("POST", path+"/assign", map[string]any{"partnerId": globex}, "If-Match", "v2"), http.StatusBadRequest).err(t)
		if p := e.leadIDs("partnerId="+acme, 50); !slices.Equal(p, []string{id}) {
			t.Errorf("after a refused reassignment Acme has %v", p)
		}
		l = must(t, e.do("POST", path+"/assign", map[string]any{"partnerId": globex}, "If-Match", `"2"`), http.StatusOK).data(t)
		if l["partnerId"] != globex {
			t.Errorf("reassigned to %v", l["partnerId"])
		}

		// Status: a reason for lost, an ETag to write on.
		s := must(t, e.do("POST", path+"/status", map[string]any{"status": "accepted"}, "If-Match", `"3"`), http.StatusOK)
		if s.data(t)["status"] != "accepted" || s.header.Get("ETag") != `"4"` {
			t.Errorf("status: %s", s.body)
		}
		must(t, e.do("POST", path+"/status", map[string]any{"status": "won"}, "If-Match", `"3"`), http.StatusPreconditionFailed).err(t)
		snap := func() string { return string(must(t, e.do("GET", path, nil), http.StatusOK).body) }
		checkRefused(t, e, "POST", path+"/status", []badRequest{
			{"lost without reason", `{"status":"lost"}`, 422, "reason"},
			{"unknown status", `{"status":"sold"}`, 422, "status"},
			{"no status", `{"reason":"x"}`, 422, "status"},
			{"long reason", `{"status":"lost","reason":"` + strings.Repeat("r", 1001) + `"}`, 422, "reason"},
			{"unknown field", `{"status":"won","note":"x"}`, 400, "note"},
		}, snap)
		l = must(t, e.do("POST", path+"/status", map[string]any{"status": "lost", "reason": "went elsewhere"}), http.StatusOK).data(t)
		if l["status"] != "lost" || l["statusReason"] != "went elsewhere" {
			t.Errorf("lost: %v", l)
		}

		checkRefused(t, e, "POST", path+"/assign", []badRequest{
			{"no partnerId", `{}`, 422, "partnerId"},
			{"unknown partner", `{"partnerId":"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"}`, 422, "partnerId"},
			{"partnerId number", `{"partnerId":5}`, 422, "partnerId"},
		}, snap)

		// null (or "") sends it back to the queue.
		l = must(t, e.do("POST", path+"/assign", `{"partnerId":null}`), http.StatusOK).data(t)
		if _, ok := l["partnerId"]; ok {
			t.Errorf("after unassigning: partnerId %v", l["partnerId"])
		}
		if q := e.leadIDs("unassigned=true", 50); !slices.Equal(q, []string{id}) {
			t.Errorf("unassigned queue %v", q)
		}
		must(t, e.do("POST", "/api/v1/leads/lead_01HVK6Y8Z8Q7J8J8J8J8J8J8J8/assign", map[string]any{"partnerId": acme}), http.StatusNotFound)
	})
}
