package api

import (
	"context"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allyprm/ally/internal/ally"
)

// routes is the API's route table: every endpoint with the scope its key
// needs. The application checks the scope; the table documents it.
func (s *server) routes(api huma.API) {
	r := table{api, s.readBody, s.idempotent}
	// Partners, in Introw's shape. {id} is the Ally id or the CRM externalId.
	handle(r, "GET", "/api/v1/partners", ally.ScopePartnersRead, "List partners",
		"Partners in id order, filtered, one page at a time.", s.listPartners)
	handle(r, "GET", "/api/v1/partners/{id}", ally.ScopePartnersRead, "Get a partner",
		"By Ally id or CRM externalId.", s.getPartner)
	handle(r, "POST", "/api/v1/partners", ally.ScopePartnersWrite, "Create a partner",
		"Creates a partner (201), or updates the partner with the same domain (200).", s.createPartner)
	respondsToo(api, "POST", "/api/v1/partners", "201", "200", "An existing partner with the same domain was updated.")
	handle(r, "PATCH", "/api/v1/partners/{id}", ally.ScopePartnersWrite, "Update a partner",
		"Introw's update: only the listed fields; any other member, read-only ones such as status included, is a 400.", s.patchPartner)
	handle(r, "POST", "/api/v1/partners/{id}/archive", ally.ScopePartnersWrite, "Archive a partner",
		"Sets the status to archived, remembering the status to restore.", s.archivePartner)
	handle(r, "POST", "/api/v1/partners/{id}/restore", ally.ScopePartnersWrite, "Restore a partner",
		"Returns an archived partner to the status it had before.", s.restorePartner)

	// The people at a partner.
	handle(r, "GET", "/api/v1/partners/{id}/contacts", ally.ScopeContactsRead, "List contacts",
		"A partner's contacts in id order, one page at a time.", s.listContacts)
	handle(r, "POST", "/api/v1/partners/{id}/contacts", ally.ScopeContactsWrite, "Create a contact",
		"Adds a person to the partner. Portal access is granted by invitation in the admin UI.", s.createContact)
	handle(r, "GET", "/api/v1/partners/{id}/contacts/{contactId}", ally.ScopeContactsRead, "Get a contact", "", s.getContact)
	handle(r, "PATCH", "/api/v1/partners/{id}/contacts/{contactId}", ally.ScopeContactsWrite, "Update a contact", "", s.patchContact)
	handle(r, "DELETE", "/api/v1/partners/{id}/contacts/{contactId}", ally.ScopeContactsWrite, "Delete a contact",
		"Removes the contact with its portal access and sessions.", s.deleteContact)

	// The catalog: small lists, returned whole.
	handle(r, "GET", "/api/v1/tiers", ally.ScopeTiersRead, "List tiers", "Every tier, best first.", s.listTiers)
	handle(r, "GET", "/api/v1/tiers/{id}", ally.ScopeTiersRead, "Get a tier", "", s.getTier)
	handle(r, "POST", "/api/v1/tiers", ally.ScopeTiersWrite, "Create a tier", "", s.createTier)
	handle(r, "PATCH", "/api/v1/tiers/{id}", ally.ScopeTiersWrite, "Update a tier", "", s.patchTier)
	handle(r, "GET", "/api/v1/phases", ally.ScopePhasesRead, "List phases", "Every phase, in order.", s.listPhases)
	handle(r, "GET", "/api/v1/phases/{id}", ally.ScopePhasesRead, "Get a phase", "", s.getPhase)
	handle(r, "POST", "/api/v1/phases", ally.ScopePhasesWrite, "Create a phase", "", s.createPhase)
	handle(r, "PATCH", "/api/v1/phases/{id}", ally.ScopePhasesWrite, "Update a phase", "", s.patchPhase)
	handle(r, "GET", "/api/v1/experience-templates", ally.ScopeTemplatesRead, "List experience templates",
		"Every template, by name.", s.listTemplates)
	handle(r, "GET", "/api/v1/experience-templates/{id}", ally.ScopeTemplatesRead, "Get an experience template", "", s.getTemplate)
	handle(r, "POST", "/api/v1/experience-templates", ally.ScopeTemplatesWrite, "Create an experience template", "", s.createTemplate)
	handle(r, "PATCH", "/api/v1/experience-templates/{id}", ally.ScopeTemplatesWrite, "Update an experience template", "", s.patchTemplate)

	// Staff users, read only.
	handle(r, "GET", "/api/v1/users", ally.ScopeUsersRead, "List staff users", "Every staff user, by e-mail.", s.listUsers)
	handle(r, "GET", "/api/v1/users/{id}", ally.ScopeUsersRead, "Get a staff user", "", s.getUser)

	// The audit log.
	handle(r, "GET", "/api/v1/audit-events", ally.ScopeAuditRead, "List audit events",
		"Newest first: who changed what, with each field's value before and after.", s.listAudit)

	// Leads: intake, the list, one lead with its routing explanation, hand assignment and status.
	handle(r, "GET", "/api/v1/leads", ally.ScopeLeadsRead, "List leads",
		"Newest first unless sort says otherwise, filtered, one page at a time.", s.listLeads)
	handle(r, "POST", "/api/v1/leads", ally.ScopeLeadsWrite, "Create a lead",
		"Takes one lead in: a partnerId assigns it directly, otherwise the routing rules place it (or it waits, unassigned). "+
			"Its deliveries are queued with it. The answer includes the routing explanation.", s.createLead)
	handle(r, "GET", "/api/v1/leads/{id}", ally.ScopeLeadsRead, "Get a lead",
		"With routing: which rule placed it, which partners were considered and why this one.", s.getLead)
	handle(r, "POST", "/api/v1/leads/{id}/assign", ally.ScopeLeadsWrite, "Assign a lead",
		"Gives the lead to a partner by hand (from the unassigned queue, or a reassignment) and queues its deliveries; "+
			"partnerId \"\" or null sends it back to the unassigned queue.", s.assignLead)
	handle(r, "POST", "/api/v1/leads/{id}/status", ally.ScopeLeadsWrite, "Set a lead's status",
		"Moves the lead on; lost and rejected need a reason.", s.setLeadStatus)

	// Bulk imports: the upload is streamed in, then imported by a background job.
	s.handleImport(r)
	handle(r, "GET", "/api/v1/imports", ally.ScopeLeadsRead, "List imports", "The latest imports, newest first.", s.listImports)
	handle(r, "GET", "/api/v1/imports/{id}", ally.ScopeLeadsRead, "Get an import",
		"Its status and progress: bytes read, rows done, imported and refused.", s.getImport)
	handle(r, "GET", "/api/v1/imports/{id}/errors", ally.ScopeLeadsRead, "Get an import's errors",
		"The refused rows as CSV (line,reason), in line order; the header is line 1 of a CSV upload.", s.importErrors)
	respondsCSV(api, "/api/v1/imports/{id}/errors", "The refused rows: a header line, then line,reason per row.")

	// Routing rules, and a dry run that changes nothing.
	handle(r, "GET", "/api/v1/routing-rules", ally.ScopeRoutingRead, "List routing rules",
		"Every rule, in the order they are tried: priority, lowest first.", s.listRules)
	handle(r, "GET", "/api/v1/routing-rules/{id}", ally.ScopeRoutingRead, "Get a routing rule", "", s.getRule)
	handle(r, "POST", "/api/v1/routing-rules", ally.ScopeRoutingWrite, "Create a routing rule", "", s.createRule)
	handle(r, "PATCH", "/api/v1/routing-rules/{id}", ally.ScopeRoutingWrite, "Update a routing rule", "", s.patchRule)
	handle(r, "DELETE", "/api/v1/routing-rules/{id}", ally.ScopeRoutingWrite, "Delete a routing rule", "", s.deleteRule)
	handle(r, "POST", "/api/v1/routing-rules/dry-run", ally.ScopeRoutingRead, "Dry-run routing",
		"Where a lead would go now, and why, without taking it in: caps and round-robin turns are read, not used.", s.dryRun)
	respondsInstead(api, "POST", "/api/v1/routing-rules/dry-run", "201", "200", "Where the lead would go.")

	// Deliveries: every lead and event on its way to a receiver, with its attempts.
	handle(r, "GET", "/api/v1/deliveries", ally.ScopeDeliveriesRead, "List deliveries",
		"Newest first, filtered, one page at a time.", s.listDeliveries)
	handle(r, "GET", "/api/v1/deliveries/{id}", ally.ScopeDeliveriesRead, "Get a delivery",
		"With its latest attempts, newest first, and the body it sends.", s.getDelivery)
	handle(r, "POST", "/api/v1/deliveries/{id}/redeliver", ally.ScopeDeliveriesWrite, "Redeliver",
		"Queues another attempt now, with the same webhook-id and body.", s.redeliver)
	respondsInstead(api, "POST", "/api/v1/deliveries/{id}/redeliver", "200", "202", "The attempt is queued.")
	handle(r, "GET", "/api/v1/partners/{id}/delivery-settings", ally.ScopeDeliveriesRead, "Get delivery settings",
		"Where the partner receives its leads: webhook and e-mail. The signing secret is shown.", s.getDeliverySettings)
	handle(r, "PATCH", "/api/v1/partners/{id}/delivery-settings", ally.ScopeDeliveriesWrite, "Update delivery settings",
		"The first save makes a signing secret; rotateSecret makes a new one.", s.patchDeliverySettings)

	// The vendor's own event subscriptions, signed like the partners' webhooks.
	handle(r, "GET", "/api/v1/webhook-subscriptions", ally.ScopeWebhooksRead, "List webhook subscriptions",
		"Every subscription (secrets not shown).", s.listSubscriptions)
	handle(r, "GET", "/api/v1/webhook-subscriptions/{id}", ally.ScopeWebhooksRead, "Get a webhook subscription",
		"Its signing secret included.", s.getSubscription)
	handle(r, "POST", "/api/v1/webhook-subscriptions", ally.ScopeWebhooksWrite, "Create a webhook subscription",
		"Sends the events named to the URL, signed per Standard Webhooks with the secret in the answer.", s.createSubscription)
	handle(r, "PATCH", "/api/v1/webhook-subscriptions/{id}", ally.ScopeWebhooksWrite, "Update a webhook subscription",
		"Turning it on again clears the reason Ally turned it off.", s.patchSubscription)
	handle(r, "DELETE", "/api/v1/webhook-subscriptions/{id}", ally.ScopeWebhooksWrite, "Delete a webhook subscription",
		"Its pending deliveries fail at their next attempt.", s.deleteSubscription)
}

// handle registers one operation with its scope, documentation and the
// errors it can answer with. Every POST goes through the idempotency layer.
func handle[I, O any](t table, method, path string, scope ally.Scope, summary, desc string, h func(context.Context, *I) (*O, error)) {
	op := huma.Operation{
		OperationID: strings.ToLower(strings.ReplaceAll(summary, " ", "-")),
		Method:      method,
		Path:        path,
		Summary:     summary,
		Description: strings.TrimSpace(desc + " Needs the " + string(scope) + " scope."),
		Tags:        []string{strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")[0]},
		Security:    []map[string][]string{{"apiKey": {string(scope)}}},
		Errors:      []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests},
	}
	if strings.Contains(path, "{id}") {
		op.Errors = append(op.Errors, http.StatusNotFound)
	}
	if _, hasBody := reflect.TypeFor[I]().FieldByName("Body"); hasBody {
		op.Errors = append(op.Errors, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	switch method {
	case http.MethodPost:
		op.DefaultStatus = http.StatusOK
		if !strings.Contains(path, "{id}") {
			op.DefaultStatus = http.StatusCreated
		}
		op.Middlewares = huma.Middlewares{t.readBody, t.idempotent}
		op.Parameters = append(op.Parameters, &huma.Param{Name: "Idempotency-Key", In: "header",
			Description: "Makes a retry safe: the first response is replayed for the same key and body " +
				"(with Idempotent-Replayed: true); the same key with another body is 422, while the first is still running 409.",
			Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(255)}})
		op.Errors = append(op.Errors, http.StatusConflict, http.StatusUnprocessableEntity)
	case http.MethodPatch:
		op.Middlewares = huma.Middlewares{t.readBody}
		op.Errors = append(op.Errors, http.StatusConflict)
	case http.MethodDelete:
		op.DefaultStatus = http.StatusNoContent
	}
	if _, conditional := reflect.TypeFor[I]().FieldByName("IfMatch"); conditional {
		op.Errors = append(op.Errors, http.StatusPreconditionFailed)
	}
	huma.Register(t.api, op, h)
}

// table is what handle needs besides the route.
type table struct {
	api                  huma.API
	readBody, idempotent func(huma.Context, func(huma.Context))
}

// respondsToo documents a second success status with the same body as from.
func respondsToo(api huma.API, method, path, from, status, desc string) {
	op := operation(api.OpenAPI().Paths[path], method)
	r := *op.Responses[from]
	r.Description = desc
	op.Responses[status] = &r
}

func ptr[T any](v T) *T { return &v }

// operation returns the item's operation for method.
func operation(item *huma.PathItem, method string) *huma.Operation {
	switch method {
	case http.MethodGet:
		return item.Get
	case http.MethodPost:
		return item.Post
	case http.MethodPatch:
		return item.Patch
	case http.MethodPut:
		return item.Put
	case http.MethodDelete:
		return item.Delete
	}
	return nil
}
