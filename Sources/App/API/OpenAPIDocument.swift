import Foundation
import KorpusCore

/// The OpenAPI 3.1 description of every route under `/api`. A test compares its paths with the routes
/// the application registers, so the document cannot drift from the API.
enum OpenAPIDocument {
    static func json() throws -> Data {
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    static func problem(_ description: String) -> [String: Any] {
        ["description": description,
         "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
    }

    static func ok(_ schema: [String: Any], _ description: String = "OK") -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    static func query(_ name: String, _ description: String, _ schema: [String: Any]) -> [String: Any] {
        ["name": name, "in": "query", "required": false, "description": description, "schema": schema]
    }

    static func path(_ name: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
    }

    static func body(_ schema: [String: Any]) -> [String: Any] {
        ["required": true, "content": ["application/json": ["schema": schema]]]
    }

    static var applicationStatus: [String: Any] { ["type": "string", "enum": OfferApplication.Status.allCases.map(\.rawValue)] }

    /// The document with the answers every operation of a kind can give: 400 for parameters or a body that
    /// cannot be read, 415 for a body that is not JSON, 401 without a valid token where one is needed.
    nonisolated(unsafe) static let document: [String: Any] = {
        var document = written
        guard var paths = document["paths"] as? [String: [String: [String: Any]]] else { return document }
        for (path, operations) in paths {
            for (method, operation) in operations {
                var operation = operation
                var responses = operation["responses"] as? [String: Any] ?? [:]
                if operation["requestBody"] != nil {
                    responses["400"] = responses["400"] ?? problem("The body is not a JSON object of the fields described")
                    responses["415"] = responses["415"] ?? problem("Not JSON")
                }
                if operation["parameters"] != nil { responses["400"] = responses["400"] ?? problem("Bad parameters") }
                if operation["security"] != nil { responses["401"] = responses["401"] ?? problem("No valid token") }
                operation["responses"] = responses
                paths[path]?[method] = operation
            }
        }
        document["paths"] = paths
        return document
    }()

    nonisolated(unsafe) static let written: [String: Any] = [
        "openapi": "3.1.0",
        "info": [
            "title": "Korpus API",
            "version": "1.0.0",
            "description": "The JSON API of Korpus, the system of the Korpus Solidarności programme. Errors are RFC 9457 problem documents in the language of Accept-Language.",
        ],
        "servers": [["url": "/"]],
        "paths": [
            "/api/openapi.json": ["get": [
                "summary": "This document", "operationId": "openAPI",
                "responses": ["200": ["description": "The OpenAPI document", "content": ["application/json": ["schema": ["type": "object"]]]]],
            ]],
            "/api/v1/localities": ["get": [
                "summary": "Find localities by name, with or without Polish letters", "operationId": "searchLocalities",
                "parameters": [
                    query("q", "Name or its beginning, at most 100 characters", ["type": "string", "maxLength": 100]),
                    query("voivodeship", "TERYT code of a voivodeship", ["type": "string", "pattern": "^[0-9]{2}$"]),
                    query("limit", "How many, 1 to 50", ["type": "integer", "minimum": 1, "maximum": 50, "default": 10]),
                ],
                "responses": ["200": ok(["$ref": "#/components/schemas/LocalityList"]), "400": problem("Bad parameters")],
            ]],
            "/api/v1/voivodeships": ["get": [
                "summary": "The 16 voivodeships", "operationId": "listVoivodeships",
                "responses": ["200": ok(["type": "array", "items": ["$ref": "#/components/schemas/Voivodeship"]])],
            ]],
            "/api/v1/me": ["get": [
                "summary": "The person the access token belongs to", "operationId": "me",
                "security": [["bearerAuth": []]],
                "responses": ["200": ok(["$ref": "#/components/schemas/Me"]), "401": problem("No valid token")],
            ]],
            "/api/v1/organisations": ["get": [
                "summary": "Verified organisations", "operationId": "listOrganisations",
                "parameters": [
                    query("q", "Words of the name, at most 100 characters", ["type": "string", "maxLength": 100]),
                    query("voivodeship", "TERYT code of a voivodeship", ["type": "string", "pattern": "^[0-9]{2}$"]),
                ],
                "responses": ["200": ok(["$ref": "#/components/schemas/OrganisationList"]), "400": problem("Bad parameters")],
            ]],
            "/api/v1/offers": ["get": [
                "summary": "Search published offers", "operationId": "searchOffers",
                "parameters": [
                    query("q", "Words, in any form of diacritics, at most 200 characters", ["type": "string", "maxLength": 200]),
                    query("area", "Area of volunteering", ["type": "string", "enum": OfferArea.allCases.map(\.rawValue)]),
                    query("voivodeship", "TERYT code of a voivodeship", ["type": "string", "pattern": "^[0-9]{2}$"]),
                    query("locality", "Name of the locality to search around", ["type": "string", "maxLength": 100]),
                    query("distance", "Kilometres around the locality, 1 to 500", ["type": "number", "minimum": 1, "maximum": 500, "default": 25]),
                    query("remote", "Only offers that can be done remotely", ["type": "boolean"]),
                    query("minors", "Only offers open to minors", ["type": "boolean"]),
                    query("accessible", "Only offers accessible to volunteers with disabilities", ["type": "boolean"]),
                    query("from", "Offers running on or after this day", ["type": "string", "format": "date"]),
                    query("to", "Offers running on or before this day", ["type": "string", "format": "date"]),
                    query("sort", "Order of the results", ["type": "string", "enum": ["relevance", "newest", "nearest", "deadline"]]),
                    query("page", "Page, 1 to 500, of 20 results", ["type": "integer", "minimum": 1, "maximum": 500, "default": 1]),
                ],
                "responses": ["200": ok(["$ref": "#/components/schemas/OfferList"]), "400": problem("Bad parameters")],
            ]],
            "/api/v1/offers/{offerID}": [
                "get": [
                    "summary": "One offer", "operationId": "getOffer",
                    "parameters": [path("offerID")],
                    "responses": ["200": ok(["$ref": "#/components/schemas/Offer"]), "404": problem("No such public offer")],
                ],
                "put": [
                    "summary": "Change an offer (a coordinator of its organisation); every field is sent, as when creating it", "operationId": "updateOffer",
                    "security": [["bearerAuth": []]], "parameters": [path("offerID")],
                    "requestBody": body(["$ref": "#/components/schemas/OfferInput"]),
                    "responses": ["200": ok(["$ref": "#/components/schemas/Offer"]), "401": problem("No valid token"),
                                  "404": problem("No such offer of an organisation of yours"), "415": problem("Not JSON"),
                                  "422": problem("Fields refused; errors holds a message per field")],
                ],
            ],
            "/api/v1/organisations/{organisationID}/offers": ["post": [
                "summary": "Write an offer for a verified organisation you coordinate; published at once when publish is true", "operationId": "createOffer",
                "security": [["bearerAuth": []]], "parameters": [path("organisationID")],
                "requestBody": body(["$ref": "#/components/schemas/OfferInput"]),
                "responses": ["201": ok(["$ref": "#/components/schemas/Offer"], "Created; Location names the offer"), "401": problem("No valid token"),
                              "403": problem("The organisation is not verified"), "404": problem("No such organisation of yours"),
                              "415": problem("Not JSON"), "422": problem("Fields refused; errors holds a message per field")],
            ]],
            "/api/v1/offers/{offerID}/applications": [
                "get": [
                    "summary": "Applications to an offer (its coordinators)", "operationId": "listOfferApplications",
                    "security": [["bearerAuth": []]], "parameters": [path("offerID"), query("status", "Only applications in this state", applicationStatus)],
                    "responses": ["200": ok(["$ref": "#/components/schemas/ApplicationList"]), "401": problem("No valid token"),
                                  "404": problem("No such offer of an organisation of yours")],
                ],
                "post": [
                    "summary": "Apply to an offer; lands on the reserve list when its places are taken", "operationId": "apply",
                    "security": [["bearerAuth": []]], "parameters": [path("offerID")],
                    "requestBody": body(["type": "object", "properties": ["message": ["type": "string", "maxLength": 2000]]]),
                    "responses": ["201": ok(["$ref": "#/components/schemas/Application"], "Created"), "401": problem("No valid token"),
                                  "403": problem("Too young, or a minor without the guardian's consent"), "404": problem("No such public offer"),
                                  "409": problem("Applied already, or recruitment is closed"), "422": problem("The message is too long"),
                                  "429": problem("Too many applications")],
                ],
            ],
            "/api/v1/recommendations": ["get": [
                "summary": "Offers that fit you best (matching service), with the reasons in your language", "operationId": "recommendations",
                "security": [["bearerAuth": []]],
                "responses": ["200": ok(["$ref": "#/components/schemas/RecommendationList"]), "401": problem("No valid token")],
            ]],
            "/api/v1/offers/{offerID}/volunteers": ["get": [
                "summary": "Offers of help that fit an offer (its coordinators); first names only until the volunteer applies",
                "operationId": "fittingVolunteers", "security": [["bearerAuth": []]], "parameters": [path("offerID")],
                "responses": ["200": ok(["$ref": "#/components/schemas/FittingVolunteerList"]), "401": problem("No valid token"),
                              "404": problem("No such offer of an organisation of yours")],
            ]],
            "/api/v1/membership": ["get": [
                "summary": "Where you stand in Korpus membership, from your confirmed hours, month by month", "operationId": "membership",
                "security": [["bearerAuth": []]],
                "responses": ["200": ok(["$ref": "#/components/schemas/Membership"]), "401": problem("No valid token")],
            ]],
            "/api/v1/hours": [
                "get": [
                    "summary": "Your hour entries, newest first", "operationId": "listMyHours",
                    "security": [["bearerAuth": []]],
                    "parameters": [query("status", "Only entries in this state", ["type": "string", "enum": HourEntry.Status.allCases.map(\.rawValue)]),
                                   query("limit", "At most this many (1–1000, 100 by default)", ["type": "integer"])],
                    "responses": ["200": ok(["$ref": "#/components/schemas/HourEntryList"]), "400": problem("Bad parameters"),
                                  "401": problem("No valid token")],
                ],
                "post": [
                    "summary": "Log hours for one of your engagements (a day within it, not in the future, at most 24 hours a day in all); they wait for a coordinator's confirmation",
                    "operationId": "logHours", "security": [["bearerAuth": []]],
                    "requestBody": body(["type": "object", "required": ["engagementID", "workedOn", "hours", "description"], "properties": [
                        "engagementID": ["type": "string", "format": "uuid"],
                        "workedOn": ["type": "string", "format": "date"],
                        "hours": ["type": "number", "description": "In quarter hours: 0.25 to 24"],
                        "description": ["type": "string", "minLength": 3, "maxLength": 1000],
                        "competences": ["type": "array", "items": ["type": "string"], "description": "Codes of the competence areas practised"],
                    ]]),
                    "responses": ["201": ok(["$ref": "#/components/schemas/HourEntry"], "Logged, waiting for confirmation"),
                                  "400": problem("Not a valid body"), "401": problem("No valid token"), "404": problem("No such engagement of yours"),
                                  "415": problem("Not JSON"), "422": problem("Fields refused; errors holds a message per field")],
                ],
            ],
            "/api/v1/organisations/{organisationID}/hours": ["get": [
                "summary": "Hour entries of volunteers of an organisation you coordinate, newest first", "operationId": "listHours",
                "security": [["bearerAuth": []]],
                "parameters": [path("organisationID"),
                               query("status", "Only entries in this state", ["type": "string", "enum": HourEntry.Status.allCases.map(\.rawValue)]),
                               query("limit", "At most this many (1–1000, 100 by default)", ["type": "integer"])],
                "responses": ["200": ok(["$ref": "#/components/schemas/HourEntryList"]), "401": problem("No valid token"),
                              "404": problem("No such organisation of yours")],
            ]],
            "/api/v1/organisations/{organisationID}/hours/confirm": ["post": [
                "summary": "Confirm waiting hour entries of an organisation you coordinate, all or nothing", "operationId": "confirmHours",
                "security": [["bearerAuth": []]], "parameters": [path("organisationID")],
                "requestBody": body(["type": "object", "required": ["entries"], "properties": [
                    "entries": ["type": "array", "maxItems": 1000, "items": ["type": "string", "format": "uuid"]],
                ]]),
                "responses": ["200": ok(["type": "object", "properties": ["confirmed": ["type": "integer"]]]), "401": problem("No valid token"),
                              "404": problem("No such organisation of yours, or an entry not of it"), "409": problem("An entry no longer waits"),
                              "415": problem("Not JSON"), "422": problem("No entries, or more than 1000")],
            ]],
            "/api/v1/applications": ["get": [
                "summary": "Your applications, newest first", "operationId": "listMyApplications",
                "security": [["bearerAuth": []]], "parameters": [query("status", "Only applications in this state", applicationStatus)],
                "responses": ["200": ok(["$ref": "#/components/schemas/ApplicationList"]), "401": problem("No valid token")],
            ]],
            "/api/v1/applications/{applicationID}/state": ["post": [
                "summary": "Change an application: withdrawn (its volunteer); accepted, reserve or declined with a reason (the offer's coordinators)",
                "operationId": "changeApplication", "security": [["bearerAuth": []]], "parameters": [path("applicationID")],
                "requestBody": body(["type": "object", "required": ["status"], "properties": [
                    "status": ["type": "string", "enum": ["accepted", "reserve", "declined", "withdrawn"]],
                    "reason": ["type": "string", "maxLength": 1000, "description": "Required when declining"],
                ]]),
                "responses": ["200": ok(["$ref": "#/components/schemas/Application"]), "401": problem("No valid token"),
                              "404": problem("No such application of yours or of your offers"), "409": problem("Not possible in its state, or no place left"),
                              "422": problem("A reason is needed")],
            ]],
            "/api/v1/organisations/{organisationID}": ["get": [
                "summary": "One verified organisation", "operationId": "getOrganisation",
                "parameters": [path("organisationID")],
                "responses": ["200": ok(["$ref": "#/components/schemas/Organisation"]), "404": problem("No such verified organisation")],
            ]],
        ],
        "components": [
            "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "description": "A personal access token created in the account settings"]],
            "schemas": [
                "Problem": ["type": "object", "required": ["type", "title", "status", "detail"], "properties": [
                    "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                    "errors": ["type": "object", "additionalProperties": ["type": "string"], "description": "A message per refused field"],
                ]],
                "Membership": ["type": "object", "required": ["state", "run", "runRequired", "missingHoursThisMonth", "months"], "properties": [
                    "state": ["type": "string", "enum": ["not_started", "entry_window", "entry_missed", "member", "long_term"]],
                    "since": ["type": "string", "description": "Month membership began (yyyy-MM)"],
                    "until": ["type": "string", "description": "Last month of the entry window, or the month the long-term requirement was met"],
                    "run": ["type": "integer"], "runRequired": ["type": "integer"], "missingHoursThisMonth": ["type": "number"],
                    "months": ["type": "array", "items": ["type": "object", "properties": [
                        "month": ["type": "string"], "hours": ["type": "number"], "requiredHours": ["type": "number"], "met": ["type": "boolean"],
                    ]]],
                ]],
                "HourEntryList": ["type": "object", "required": ["items"], "properties": [
                    "items": ["type": "array", "items": ["$ref": "#/components/schemas/HourEntry"]],
                ]],
                "HourEntry": ["type": "object", "required": ["id", "engagementID", "volunteerID", "workedOn", "hours", "description", "status"], "properties": [
                    "id": ["type": "string", "format": "uuid"], "engagementID": ["type": "string", "format": "uuid"], "volunteerID": ["type": "string", "format": "uuid"], "workedOn": ["type": "string", "format": "date"],
                    "hours": ["type": "number"], "description": ["type": "string"],
                    "status": ["type": "string", "enum": HourEntry.Status.allCases.map(\.rawValue)],
                ]],
                "OfferInput": ["type": "object", "required": ["title", "description", "area", "schedule", "hours_per_week", "volunteers_needed", "minimum_age"],
                               "description": "The fields of the offer form. Booleans not sent count as false.", "properties": [
                    "title": ["type": "string", "minLength": 5, "maxLength": 150], "description": ["type": "string", "minLength": 30],
                    "area": ["type": "string", "enum": OfferArea.allCases.map(\.rawValue)],
                    "skills": ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]],
                    "schedule": ["type": "string", "enum": OfferSchedule.allCases.map(\.rawValue)],
                    "starts_on": ["type": "string", "format": "date"], "ends_on": ["type": "string", "format": "date"],
                    "weekly_slots": ["type": "array", "items": ["type": "string", "enum": WeeklySlot.all.map(\.code)], "description": "Required for regular work"],
                    "hours_per_week": ["type": "integer"], "locality": ["type": "string", "description": "Name of the locality; not needed when remote"],
                    "address": ["type": "string"], "remote": ["type": "boolean"], "volunteers_needed": ["type": "integer"],
                    "minimum_age": ["type": "integer"], "minors_welcome": ["type": "boolean"], "involves_children": ["type": "boolean"],
                    "provides_training": ["type": "boolean"], "provides_insurance": ["type": "boolean"], "provides_reimbursement": ["type": "boolean"],
                    "languages": ["type": "string"], "accessible": ["type": "boolean"],
                    "recruitment_deadline": ["type": "string", "format": "date"], "publish": ["type": "boolean", "description": "Publish now (else a draft)"],
                ]],
                "Application": ["type": "object", "required": ["id", "offerID", "offerTitle", "volunteerName", "message", "status", "createdAt"], "properties": [
                    "id": ["type": "string", "format": "uuid"], "offerID": ["type": "string", "format": "uuid"], "offerTitle": ["type": "string"],
                    "volunteerName": ["type": "string"], "volunteerEmail": ["type": ["string", "null"], "description": "Only for the offer's coordinators"],
                    "message": ["type": "string"], "status": applicationStatus, "reason": ["type": ["string", "null"]],
                    "createdAt": ["type": "string", "format": "date-time"], "decidedAt": ["type": ["string", "null"], "format": "date-time"],
                ]],
                "RecommendationList": ["type": "object", "required": ["items", "excluded"], "properties": [
                    "items": ["type": "array", "items": ["type": "object", "required": ["offer", "score", "reasons"], "properties": [
                        "offer": ["$ref": "#/components/schemas/Offer"], "score": ["type": "number"],
                        "reasons": ["type": "array", "items": ["type": "string"]],
                    ]]],
                    "excluded": ["type": "object", "additionalProperties": ["type": "integer"],
                                 "description": "How many offers each hard condition left out: " + MatchExclusion.allCases.map(\.rawValue).joined(separator: ", ")],
                ]],
                "FittingVolunteerList": ["type": "object", "required": ["items"], "properties": [
                    "items": ["type": "array", "items": ["type": "object", "required": ["helpOfferID", "name", "locality", "description", "score", "reasons", "invited"], "properties": [
                        "helpOfferID": ["type": "string", "format": "uuid"], "name": ["type": "string"], "locality": ["type": "string"],
                        "description": ["type": "string"], "score": ["type": "number"], "reasons": ["type": "array", "items": ["type": "string"]],
                        "invited": ["type": "boolean"],
                    ]]],
                ]],
                "ApplicationList": ["type": "object", "required": ["items", "total"], "properties": [
                    "items": ["type": "array", "items": ["$ref": "#/components/schemas/Application"]], "total": ["type": "integer"],
                ]],
                "Voivodeship": ["type": "object", "required": ["code", "name"], "properties": [
                    "code": ["type": "string"], "name": ["type": "string"],
                ]],
                "Locality": ["type": "object", "required": ["id", "name", "voivodeship", "latitude", "longitude", "population"], "properties": [
                    "id": ["type": "integer"], "name": ["type": "string"], "voivodeship": ["$ref": "#/components/schemas/Voivodeship"],
                    "latitude": ["type": "number"], "longitude": ["type": "number"], "population": ["type": "integer"],
                ]],
                "LocalityList": ["type": "object", "required": ["items", "total"], "properties": [
                    "items": ["type": "array", "items": ["$ref": "#/components/schemas/Locality"]], "total": ["type": "integer"],
                ]],
                "Me": ["type": "object", "required": ["id", "name", "email", "language", "isAdministrator", "isPartnerOperator", "memberships"], "properties": [
                    "id": ["type": "string", "format": "uuid"], "name": ["type": "string"], "email": ["type": "string"],
                    "language": ["type": "string", "enum": ["pl", "en", "uk"]], "ageBand": ["type": ["string", "null"], "enum": ["child", "minor", "adult", NSNull()]],
                    "isAdministrator": ["type": "boolean"], "isPartnerOperator": ["type": "boolean"],
                    "memberships": ["type": "array", "items": ["type": "object", "required": ["organisationID", "organisationName", "role"], "properties": [
                        "organisationID": ["type": "string", "format": "uuid"], "organisationName": ["type": "string"],
                        "role": ["type": "string", "enum": ["representative", "coordinator"]],
                    ]]],
                ]],
                "Organisation": ["type": "object", "required": ["id", "name", "kind", "description", "locality", "voivodeship", "contactEmail"], "properties": [
                    "id": ["type": "string", "format": "uuid"], "name": ["type": "string"],
                    "kind": ["type": "string", "enum": ["foundation", "association", "other_ngo", "public_institution", "school", "church_entity", "company", "informal_group"]],
                    "description": ["type": "string"], "locality": ["type": "string"], "voivodeship": ["type": "string"],
                    "website": ["type": ["string", "null"]], "contactEmail": ["type": "string"],
                    "krs": ["type": ["string", "null"]], "nip": ["type": ["string", "null"]], "regon": ["type": ["string", "null"]],
                ]],
                "Offer": ["type": "object", "required": ["id", "title", "description", "organisation", "organisationID", "area", "skills", "schedule", "weeklySlots", "hoursPerWeek", "remote", "volunteersNeeded", "minimumAge", "minorsWelcome", "involvesChildren", "accessible", "status"], "properties": [
                    "id": ["type": "string", "format": "uuid"], "title": ["type": "string"], "description": ["type": "string"],
                    "organisation": ["type": "string"], "organisationID": ["type": "string", "format": "uuid"],
                    "area": ["type": "string", "enum": OfferArea.allCases.map(\.rawValue)], "skills": ["type": "array", "items": ["type": "string"]],
                    "schedule": ["type": "string", "enum": OfferSchedule.allCases.map(\.rawValue)],
                    "startsOn": ["type": ["string", "null"], "format": "date"], "endsOn": ["type": ["string", "null"], "format": "date"],
                    "weeklySlots": ["type": "array", "items": ["type": "string"]], "hoursPerWeek": ["type": "integer"],
                    "locality": ["type": ["string", "null"]], "voivodeship": ["type": ["string", "null"]], "remote": ["type": "boolean"],
                    "volunteersNeeded": ["type": "integer"], "minimumAge": ["type": "integer"], "minorsWelcome": ["type": "boolean"],
                    "involvesChildren": ["type": "boolean"], "accessible": ["type": "boolean"],
                    "recruitmentDeadline": ["type": ["string", "null"], "format": "date"], "status": ["type": "string"],
                    "distanceKm": ["type": ["number", "null"]],
                ]],
                "OfferList": ["type": "object", "required": ["items", "total", "page", "pageSize"], "properties": [
                    "items": ["type": "array", "items": ["$ref": "#/components/schemas/Offer"]], "total": ["type": "integer"],
                    "page": ["type": "integer"], "pageSize": ["type": "integer"],
                ]],
                "OrganisationList": ["type": "object", "required": ["items", "total"], "properties": [
                    "items": ["type": "array", "items": ["$ref": "#/components/schemas/Organisation"]], "total": ["type": "integer"],
                ]],
            ],
        ],
    ]
}
