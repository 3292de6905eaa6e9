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
	if method == http.MethodPatch || strings.HasSuffix(path, "/archive") || strings.HasSuffix(path, "/restore") {
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
