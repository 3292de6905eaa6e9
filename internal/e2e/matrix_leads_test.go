package e2e_test

// The lead half: leads, the unassigned queue, routing rules, deliveries,
// imports, delivery settings and the vendor's subscriptions, on the three
// surfaces. See mxAdminRoutes for how to read a line, and seedLeads for
// the data: each partner's lead ({LEAD}) and webhook delivery ({DLV}), a
// lead no rule placed ({QLEAD}), a delivery to the vendor's subscription
// ({SDLV}), the rule that passed B over ({RULE}) and an import ({IMP}).
//
// Staff read leads and deliveries of the partners they see: the manager
// and the viewer A's, never B's (404) nor the unassigned queue and the
// vendor's own deliveries, which only owners and admins see. Managers may
// change leads and redeliver; viewers may not (403, before anything is
// read). Rules and imports are the vendor's (a rule or an import's rows
// may name any partner): owners and admins only, 403 to the others.

// mxVendorOnly: what only those who see every partner see; the manager
// and the viewer are told it does not exist.
const mxVendorOnly = "L L L ok ok 404 404 L L"

var mxLeadAdminRoutes = []mxRoute{
	{"GET /admin/leads", "/admin/leads", "", mxStaff, nil},
	{"GET /admin/leads", "/admin/leads?q=buyer&status=new&sort=company", "", mxStaff, nil}, // both partners' leads match
	// Filtering by a partner one may not see lists nothing of it.
	{"GET /admin/leads", "/admin/leads?partner={P}", "", mxStaff, nil},
	{"GET /admin/leads/unassigned", "/admin/leads/unassigned", "", mxAdmins, nil},
	{"GET /admin/leads/new", "/admin/leads/new", "", mxStaff, nil},
	// A lead given to a partner directly: only to one the caller sees. (Named
	// for neither partner: a refused form shows what was typed.)
	{"POST /admin/leads/new", "/admin/leads/new", "firstName=Typed&lastName=Lead+{N}&email=typed{N}%40matrix.example&partner={P}",
		"L L L ok ok ok|422 403 L L", nil},
	// A lead the rules place: none matches France, so it waits in the queue.
	{"POST /admin/leads/new", "/admin/leads/new", "firstName=Routed&lastName=Lead+{N}&email=routed{N}%40matrix.example&country=FR", mxWriters, nil},
	// A's routing explanation names B, passed over at its cap: the manager
	// and the viewer, who may not see B, must read it without B.
	{"GET /admin/leads/{id}", "/admin/leads/{LEAD}", "", mxSee, nil},
	{"GET /admin/leads/{id}", "/admin/leads/{QLEAD}", "", mxVendorOnly, nil},
	{"POST /admin/leads/{id}/status", "/admin/leads/{LEAD}/status", "status=contacted", mxEdit, nil},
	// Giving a lead to the other partner: the manager may not name B, nor touch B's lead.
	{"POST /admin/leads/{id}/assign", "/admin/leads/{LEAD}/assign", "partner={OTHER}", "L L L ok ok 422|404 403 L L", mxNewLead},
	{"POST /admin/leads/{id}/assign", "/admin/leads/{LEAD}/assign", "unassign=1", mxEdit, mxNewLead},
	// The queue's leads are for those who see every partner.
	{"POST /admin/leads/{id}/assign", "/admin/leads/{QLEAD}/assign", "partner={P}&next=%2Fadmin%2Fleads%2Funassigned", "L L L ok ok 404 403 L L", mxNewQueued},

	{"GET /admin/rules", "/admin/rules", "", mxAdmins, nil},
	{"GET /admin/rules/new", "/admin/rules/new", "", mxAdmins, nil},
	{"POST /admin/rules/new", "/admin/rules/new", "name=Rule+{N}&priority=500&mode=round_robin&countries=ZZ&dailyCap=0&monthlyCap=0", mxAdmins, nil},
	{"GET /admin/rules/dry-run", "/admin/rules/dry-run", "", mxAdmins, nil},
	// Germany: the first rule passes B over at its cap, the second places the lead with A.
	{"POST /admin/rules/dry-run", "/admin/rules/dry-run", "firstName=Dry&email=dry{N}%40matrix.example&country=DE", mxAdmins, nil},
	{"GET /admin/rules/{id}", "/admin/rules/{RULE}", "", mxAdmins, nil},
	{"POST /admin/rules/{id}", "/admin/rules/{RULE}", "name=Rule+{N}&priority=600&mode=round_robin&countries=ZZ&dailyCap=0&monthlyCap=0", mxAdmins, mxNewRule},
	{"POST /admin/rules/{id}/delete", "/admin/rules/{RULE}/delete", "", mxAdmins, mxNewRule},

	{"GET /admin/deliveries", "/admin/deliveries", "", mxStaff, nil},
	{"GET /admin/deliveries", "/admin/deliveries?partner={P}&status=pending", "", mxSee, nil},
	{"GET /admin/deliveries/{id}", "/admin/deliveries/{DLV}", "", mxSee, nil},
	{"GET /admin/deliveries/{id}", "/admin/deliveries/{SDLV}", "", mxVendorOnly, nil},
	{"POST /admin/deliveries/{id}/redeliver", "/admin/deliveries/{DLV}/redeliver", "next=%2Fadmin%2Fleads%2F{LEAD}", mxEdit, nil},
	{"POST /admin/deliveries/{id}/redeliver", "/admin/deliveries/{SDLV}/redeliver", "", "L L L ok ok 404 403 L L", nil},
	{"GET /admin/partners/{id}/delivery", "/admin/partners/{P}/delivery", "", mxSee, nil},
	{"POST /admin/partners/{id}/delivery", "/admin/partners/{P}/delivery",
		"webhookUrl=https%3A%2F%2Fhooks.{m}.example%2Fin&webhookOn=on&emailTo=leads%40{m}.example", mxEdit, mxNewPartner},
	{"POST /admin/partners/{id}/delivery/rotate", "/admin/partners/{P}/delivery/rotate", "", mxEdit, mxNewPartner},

	{"GET /admin/imports", "/admin/imports", "", mxAdmins, nil},
	// An import's rows may give leads to any partner, and its error report
	// name any: a manager's upload would reach B (the new-lead form refuses
	// it, 422), so imports are for owners and admins.
	{"POST /admin/imports", "/admin/imports?filename=matrix.csv", "csv:email\nraw{N}@matrix.example\n", mxAdmins, nil},
	{"POST /admin/imports/upload", "/admin/imports/upload", "@csv:email\nform{N}@matrix.example\n", mxAdmins, nil},
	{"GET /admin/imports/{id}", "/admin/imports/{IMP}", "", mxAdmins, nil},
	{"GET /admin/imports/{id}/progress", "/admin/imports/{IMP}/progress", "", mxAdmins, nil},
	// A refused row's reason may name the partner it named (an archived one of B's side).
	{"GET /admin/imports/{id}/errors.csv", "/admin/imports/{IMP}/errors.csv", "", mxAdmins, nil},
}

// The portal's leads and delivery settings: both partners' templates show
// them. A lead is the partner's own or it does not exist.
var mxLeadPortalRoutes = []mxRoute{
	{"GET /partner/leads", "/partner/leads", "", mxMember, nil},
	{"GET /partner/leads", "/partner/leads?q=buyer&status=new&sort=company", "", mxMember, nil},
	{"GET /partner/leads/export.csv", "/partner/leads/export.csv", "", mxMember, nil},
	{"GET /partner/leads/export.csv", "/partner/leads/export.csv?q=buyer&sort=company", "", mxMember, nil},
	{"GET /partner/leads/{id}", "/partner/leads/{LEAD}", "", "L ok|404 404|ok L L L L L L", nil},
	{"GET /partner/leads/{id}", "/partner/leads/{QLEAD}", "", "L 404 404 L L L L L L", nil},
	// A lead given to the other partner is no longer the first one's.
	{"GET /partner/leads/{id}", "/partner/leads/{LEAD}", "", "L 404|ok ok|404 L L L L L L", mxMovedLead},
	{"POST /partner/leads/{id}/status", "/partner/leads/{LEAD}/status", "status=accepted", "L ok|404 404|ok L L L L L L", nil},
	{"GET /partner/delivery", "/partner/delivery", "", mxMember, nil},
	{"POST /partner/delivery", "/partner/delivery", "webhookUrl=https%3A%2F%2Fhooks.matrix.example%2Fin&webhookEnabled=on&emailRecipients=leads%40matrix.example",
		mxMember, mxMarkedDelivery},
	{"POST /partner/delivery/rotate", "/partner/delivery/rotate", "", mxMember, mxMarkedDelivery},
}

// The API's lead half: keys with the lead, routing, delivery or webhook
// scopes, which partners:read is not.
var mxLeadAPIRoutes = []mxRoute{
	{"GET /api/v1/leads", "/api/v1/leads", "", mxKeyWrite, nil},
	{"POST /api/v1/leads", "/api/v1/leads", `{"firstName":"{M}","lastName":"API {N}","email":"api{N}@{m}-buyer.example","partnerId":"{P}"}`, mxKeyWrite, nil},
	{"POST /api/v1/leads", "/api/v1/leads", `{"firstName":"Routed","email":"api{N}@matrix.example","country":"FR"}`, mxKeyWrite, nil},
	{"GET /api/v1/leads/{id}", "/api/v1/leads/{LEAD}", "", mxKeyWrite, nil},
	{"GET /api/v1/leads/{id}", "/api/v1/leads/{QLEAD}", "", mxKeyWrite, nil},
	{"POST /api/v1/leads/{id}/assign", "/api/v1/leads/{LEAD}/assign", `{"partnerId":"{OTHER}"}`, mxKeyWrite, mxNewLead},
	{"POST /api/v1/leads/{id}/assign", "/api/v1/leads/{QLEAD}/assign", `{"partnerId":"{P}"}`, mxKeyWrite, mxNewQueued},
	{"POST /api/v1/leads/{id}/status", "/api/v1/leads/{LEAD}/status", `{"status":"qualified"}`, mxKeyWrite, nil},
	{"POST /api/v1/leads/import", "/api/v1/leads/import?filename=matrix.csv", "csv:email\napi{N}@matrix.example\n", mxKeyWrite, nil},
	{"GET /api/v1/imports", "/api/v1/imports", "", mxKeyWrite, nil},
	{"GET /api/v1/imports/{id}", "/api/v1/imports/{IMP}", "", mxKeyWrite, nil},
	{"GET /api/v1/imports/{id}/errors", "/api/v1/imports/{IMP}/errors", "", mxKeyWrite, nil},

	{"GET /api/v1/routing-rules", "/api/v1/routing-rules", "", mxKeyWrite, nil},
	{"GET /api/v1/routing-rules/{id}", "/api/v1/routing-rules/{RULE}", "", mxKeyWrite, nil},
	{"POST /api/v1/routing-rules", "/api/v1/routing-rules", `{"name":"API rule {N}","mode":"round_robin","enabled":false}`, mxKeyWrite, nil},
	{"PATCH /api/v1/routing-rules/{id}", "/api/v1/routing-rules/{RULE}", `{"priority":700}`, mxKeyWrite, mxNewRule},
	{"DELETE /api/v1/routing-rules/{id}", "/api/v1/routing-rules/{RULE}", "", mxKeyWrite, mxNewRule},
	{"POST /api/v1/routing-rules/dry-run", "/api/v1/routing-rules/dry-run", `{"email":"dry{N}@matrix.example","country":"DE"}`, mxKeyWrite, nil},

	{"GET /api/v1/deliveries", "/api/v1/deliveries", "", mxKeyWrite, nil},
	{"GET /api/v1/deliveries/{id}", "/api/v1/deliveries/{DLV}", "", mxKeyWrite, nil},
	{"GET /api/v1/deliveries/{id}", "/api/v1/deliveries/{SDLV}", "", mxKeyWrite, nil},
	{"POST /api/v1/deliveries/{id}/redeliver", "/api/v1/deliveries/{DLV}/redeliver", "", mxKeyWrite, nil},
	{"GET /api/v1/partners/{id}/delivery-settings", "/api/v1/partners/{P}/delivery-settings", "", mxKeyWrite, nil},
	{"PATCH /api/v1/partners/{id}/delivery-settings", "/api/v1/partners/{P}/delivery-settings",
		`{"webhookUrl":"https://hooks.{m}.example/in","webhookEnabled":true,"rotateSecret":true}`, mxKeyWrite, mxNewPartner},

	{"GET /api/v1/webhook-subscriptions", "/api/v1/webhook-subscriptions", "", mxKeyWrite, nil},
	{"GET /api/v1/webhook-subscriptions/{id}", "/api/v1/webhook-subscriptions/{SUB}", "", mxKeyWrite, nil},
	{"POST /api/v1/webhook-subscriptions", "/api/v1/webhook-subscriptions", `{"url":"https://hooks.vendor.example/{N}","events":["lead.created"],"enabled":false}`, mxKeyWrite, nil},
	{"PATCH /api/v1/webhook-subscriptions/{id}", "/api/v1/webhook-subscriptions/{SUB}", `{"description":"Renamed {N}"}`, mxKeyWrite, mxNewSub},
	{"DELETE /api/v1/webhook-subscriptions/{id}", "/api/v1/webhook-subscriptions/{SUB}", "", mxKeyWrite, mxNewSub},
}
