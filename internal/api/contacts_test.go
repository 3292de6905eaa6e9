package api_test

import (
	"net/http"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
)

func TestContactsAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		a := e.createPartner(map[string]any{"name": "Acme", "domain": "acme.example", "externalId": "crm-1"})
		b := e.createPartner(map[string]any{"name": "Globex", "domain": "globex.example"})
		base := "/api/v1/partners/" + a["id"].(string) + "/contacts"

		c := must(t, e.do("POST", base, map[string]any{"name": "Ana Peeters", "email": "Ana@Acme.example",
			"roles": []string{"sales", "champion"}, "primary": true}), http.StatusCreated).data(t)
		if c["email"] != "ana@acme.example" || c["portalAccess"] != "off" || c["primary"] != true {
			t.Fatalf("created %v", c)
		}
		id := c["id"].(string)
		// The partner's primary contact follows, and the externalId works in the path.
		if p := must(t, e.do("GET", "/api/v1/partners/crm-1", nil), http.StatusOK).data(t); p["primaryContactId"] != id {
			t.Errorf("primaryContactId = %v", p["primaryContactId"])
		}
		items, _ := must(t, e.do("GET", "/api/v1/partners/crm-1/contacts", nil), http.StatusOK).list(t)
		if len(items) != 1 || items[0]["id"] != id {
			t.Fatalf("list %v", items)
		}

		got := must(t, e.do("PATCH", base+"/"+id, map[string]any{"title": "CEO"}, "If-Match", `"1"`), http.StatusOK)
		if got.data(t)["title"] != "CEO" || got.header.Get("ETag") != `"2"` {
			t.Fatalf("patched %v %v", got.data(t), got.header)
		}
		must(t, e.do("PATCH", base+"/"+id, map[string]any{"title": "CTO"}, "If-Match", `"1"`), http.StatusPreconditionFailed)

		// Another partner's path never reaches this contact.
		other := "/api/v1/partners/" + b["id"].(string) + "/contacts/" + id
		must(t, e.do("GET", other, nil), http.StatusNotFound)
		must(t, e.do("PATCH", other, map[string]any{"title": "x"}), http.StatusNotFound)
		must(t, e.do("DELETE", other, nil), http.StatusNotFound)

		for name, tc := range map[string]struct {
			body   map[string]any
			status int
			field  string
		}{
			"no e-mail":     {map[string]any{"name": "X"}, http.StatusUnprocessableEntity, "email"},
			"bad e-mail":    {map[string]any{"name": "X", "email": "not-an-address"}, http.StatusUnprocessableEntity, "email"},
			"unknown role":  {map[string]any{"name": "X", "email": "x@acme.example", "roles": []string{"boss"}}, http.StatusUnprocessableEntity, "roles"},
			"portal access": {map[string]any{"name": "X", "email": "x@acme.example", "portalAccess": "active"}, http.StatusBadRequest, "portalAccess"},
		} {
			r := e.do("POST", base, tc.body)
			if r.status != tc.status {
				t.Errorf("%s: status %d %s", name, r.status, r.body)
				continue
			}
			if names := r.err(t).fieldNames(); len(names) == 0 || names[0] != tc.field {
				t.Errorf("%s: fields %v", name, names)
			}
		}

		readOnly := e.newKey("ro", ally.ScopeContactsRead)
		must(t, e.doKey(readOnly, "GET", base, nil), http.StatusOK)
		must(t, e.doKey(readOnly, "DELETE", base+"/"+id, nil), http.StatusForbidden)
		noContacts := e.newKey("partners only", ally.ScopePartnersRead)
		must(t, e.doKey(noContacts, "GET", base, nil), http.StatusForbidden)

		must(t, e.do("DELETE", base+"/"+id, nil), http.StatusNoContent)
		must(t, e.do("GET", base+"/"+id, nil), http.StatusNotFound)
		if p := must(t, e.do("GET", "/api/v1/partners/crm-1", nil), http.StatusOK).data(t); p["primaryContactId"] != nil {
			t.Errorf("primaryContactId after delete = %v", p["primaryContactId"])
		}
	})
}
