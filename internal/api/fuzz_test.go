package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/allyprm/ally/internal/api"
	"github.com/allyprm/ally/internal/store/storetest"
)

// FuzzPartnerWrite sends arbitrary bytes as the body of a partner POST or
// PATCH. Whatever arrives, the answer is never a 5xx; it is the error
// envelope or a partner; and a 4xx leaves the store as it was.
func FuzzPartnerWrite(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Acme","domain":"acme.example"}`,
		`{"name":"Acme Strategic Partners","tierId":"tier_456","partnerOwnerId":"user_456"}`,
		`{"name":"Acme","categories":["Reseller","MSP"],"customProperties":{"size":12,"tags":["a"]}}`,
		`{"domain":null}`,
		`{"portalAccess":"RESTRICTED_USERS","experienceTemplateId":"exp_1"}`,
		`{"status":"active"}`,
		`{"name":""}`,
		`{"name":null}`,
		`{"name":"` + "\xff\xfe" + `"}`,
		`{"name":"A","website":"javascript:alert(1)"}`,
		`{"name":"A","customProperties":{"":1}}`,
		`{"name":1e400}`,
		`{"name":"A","rank":99999999999999999999999}`,
		`{"name":"A","name":null}`,
		`{"NAME":"A"}`,
		`{"name":"a\u0000b"}`,
		`{"name":"A","customProperties":{"k\u0000":"v"}}`,
		`{"name":`,
		`[]`,
		`null`,
		``,
		`{}`,
		"\x00",
	} {
		f.Add(false, []byte(seed))
		f.Add(true, []byte(seed))
	}
	// Every input goes to every engine: PostgreSQL refuses text SQLite keeps.
	var envs []*env
	var ids []string
	for _, engine := range storetest.Engines(f) {
		e := newEnv(f, engine, api.Config{})
		envs = append(envs, e)
		ids = append(ids, e.createPartner(map[string]any{"name": "Fuzz Target", "domain": "fuzz.example"})["id"].(string))
	}
	f.Fuzz(func(t *testing.T, patch bool, body []byte) {
		for i, e := range envs {
			writePartner(e.with(t), patch, ids[i], body)
		}
	})
}

// writePartner sends one fuzzed write and checks the answer and the store.
func writePartner(e *env, patch bool, id string, body []byte) {
	t := e.tb
	state := func() string {
		return string(must(t, e.do("GET", "/api/v1/partners?limit=200", nil), http.StatusOK).body) +
			string(must(t, e.do("GET", "/api/v1/audit-events?limit=1", nil), http.StatusOK).body)
	}
	method, path := "POST", "/api/v1/partners"
	if patch {
		method, path = "PATCH", "/api/v1/partners/"+id
	}
	before := state()
	r := e.do(method, path, body)
	switch {
	case r.status >= 500:
		t.Fatalf("%s %q: %d %s", method, body, r.status, r.body)
	case r.status >= 400:
		r.err(t)
		if after := state(); after != before {
			t.Fatalf("%s %q: %d, yet the store changed", method, body, r.status)
		}
	default:
		var v struct {
			Data *struct {
				ID      string `json:"id"`
				Name    string `json:"name"`
				Version int64  `json:"version"`
			} `json:"data"`
		}
		dec := json.NewDecoder(bytes.NewReader(r.body))
		if err := dec.Decode(&v); err != nil || v.Data == nil || v.Data.ID == "" || v.Data.Name == "" || v.Data.Version < 1 {
			t.Fatalf("%s %q: %d but not a partner: %s", method, body, r.status, r.body)
		}
	}
}
