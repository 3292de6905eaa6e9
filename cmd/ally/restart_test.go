package main_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// A partner written through the API survives a kill -9 of the process with
// every field intact, on both engines.
func TestPartnerSurvivesKill(t *testing.T) {
	t.Parallel()
	onEachBackend(t, func(t *testing.T, b backend) {
		userID, key := b.setupAdmin(t)
		p := b.serve(t)
		tier := mustCall(t, 201, "POST", p.URL+"/api/v1/tiers", key, map[string]any{"name": "Gold", "rank": 30, "pricePerLeadCents": 4500}).data(t)
		phase := mustCall(t, 201, "POST", p.URL+"/api/v1/phases", key, map[string]any{"name": "Grow", "position": 4}).data(t)
		tmpl := mustCall(t, 201, "POST", p.URL+"/api/v1/experience-templates", key, map[string]any{"name": "Standard"}).data(t)

		body := map[string]any{
			"name": "Acme Cloud GmbH", "domain": "Acme-Cloud.example", "website": "https://www.acme-cloud.example",
			"logoUrl": "https://cdn.acme-cloud.example/logo.png", "phone": "+49 30 1234 5678",
			"description": "Reseller for DACH: Ümlaut, €, 日本語", "status": "active",
			"categories": []string{"Reseller", "MSP"}, "externalId": "crm-4711", "externalIdType": "hubspot",
			"externalCompanyId": "cmp-99", "tierId": tier["id"], "phaseId": phase["id"],
			"partnerOwnerId": userID, "managerId": userID,
			"experienceTemplateId": tmpl["id"], "portalAccess": "RESTRICTED_DOMAINS",
			"partnerObjectCrmProperties": map[string]any{"industry": "Software", "employeeCount": 42, "certified": true, "regions": []string{"DACH", "Nordics"}},
			"companyCrmProperties":       map[string]any{"annualrevenue": 1.5e6, "lifecyclestage": "partner"},
			"customProperties":           map[string]any{"preferredLanguage": "de", "mdfEligible": false},
		}
		created := mustCall(t, http.StatusCreated, "POST", p.URL+"/api/v1/partners", key, body).data(t)
		id, _ := created["id"].(string)

		p.Kill()
		p = b.serve(t)

		got := mustCall(t, 200, "GET", p.URL+"/api/v1/partners/"+id, key, nil).data(t)
		if !reflect.DeepEqual(got, created) {
			t.Errorf("after kill -9 and restart the partner differs\n got %v\nwant %v", got, created)
		}
		want := jsonRoundTrip(t, body)
		want["domain"] = "acme-cloud.example" // normalized
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s: got %#v, sent %#v", k, got[k], v)
			}
		}
		if got["owner"].(map[string]any)["email"] != "owner@acme.example" || got["managerEmail"] != "owner@acme.example" {
			t.Errorf("owner and manager: %v %v", got["owner"], got["managerEmail"])
		}
		byExternal := mustCall(t, 200, "GET", p.URL+"/api/v1/partners/crm-4711", key, nil).data(t)
		if byExternal["id"] != id {
			t.Errorf("by externalId: got %v", byExternal["id"])
		}
	})
}

// jsonRoundTrip returns v as the API's JSON decoder would see it.
func jsonRoundTrip(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
