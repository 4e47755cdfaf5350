import Fluent
import KorpusCore
import Vapor

/// The offer form of a coordinator, checked field by field.
enum OfferForm {
    static let labels: [String: String] = [
        "title": "offer.field.title", "description": "offer.field.description", "area": "offer.field.area",
        "skills": "offer.field.skills", "schedule": "offer.field.schedule", "starts_on": "offer.field.starts_on",
        "ends_on": "offer.field.ends_on", "hours_per_week": "offer.field.hours_per_week", "locality": "register.locality",
        "voivodeship": "localities.voivodeship_label", "address": "offer.field.address", "volunteers_needed": "offer.field.volunteers_needed",
        "minimum_age": "offer.field.minimum_age", "languages": "offer.field.languages", "recruitment_deadline": "offer.field.recruitment_deadline",
        "slots": "offer.field.slots",
    ]

    /// Fills `offer` from the form; returns false, with the problems in `form`, when something is wrong.
    static func apply(_ form: inout FormState, to offer: Offer, organisation: Organisation, _ req: Request) async throws -> Bool {
        let title = form.value("title")
        if title.count < 5 { form.fail("title", req.t("offer.error.title")) }
        if title.count > 150 { form.fail("title", req.t("form.error.too_long", ["max": "150"])) }
        let description = form.value("description")
        if description.count < 30 { form.fail("description", req.t("offer.error.description")) }
        if description.count > 10_000 { form.fail("description", req.t("form.error.too_long", ["max": "10000"])) }
        let area = OfferArea(rawValue: form.value("area"))
        if area == nil { form.fail("area", req.t("offer.error.area")) }
        let skills = form.value("skills")
        if skills.count > 500 { form.fail("skills", req.t("form.error.too_long", ["max": "500"])) }
        let schedule = OfferSchedule(rawValue: form.value("schedule"))
        if schedule == nil { form.fail("schedule", req.t("offer.error.schedule")) }
        func day(_ field: String, required: Bool) -> String? {
            let text = form.value(field)
            if text.isEmpty {
                if required { form.fail(field, req.t("form.error.required")) }
                return nil
            }
            guard Age.parseDay(text) != nil else {
                form.fail(field, req.t("account.error.date_invalid"))
                return nil
            }
            return text
        }
        let startsOn = day("starts_on", required: schedule == .oneOff || schedule == .regular)
        let endsOn = day("ends_on", required: schedule == .oneOff || schedule == .regular)
        if let startsOn, let endsOn, endsOn < startsOn { form.fail("ends_on", req.t("offer.error.ends_before")) }
        let deadline = day("recruitment_deadline", required: false)
        if let deadline, let endsOn, deadline > endsOn { form.fail("recruitment_deadline", req.t("offer.error.deadline_after_end")) }
        func number(_ field: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = Int(form.value(field)), range.contains(value) else {
                form.fail(field, req.t("offer.error.number", ["min": String(range.lowerBound), "max": String(range.upperBound)]))
                return nil
            }
            return value
        }
        let hours = number("hours_per_week", 0...60)
        let needed = number("volunteers_needed", 1...1000)
        let minimumAge = number("minimum_age", 13...99)
        let remote = form.isChecked("remote")
        var locality: LocalityRecord?
        if !remote || !form.value("locality").isEmpty {
            locality = try await AccountValidation.locality(&form, req)
        }
        // One checkbox per slot, named "slot_tue-afternoon".
        let slotCodes = form.values.filter { $0.key.hasPrefix("slot_") && form.isChecked($0.key) }.map { String($0.key.dropFirst(5)) }
        let weekly = slotCodes.compactMap(WeeklySlot.init(code:))
        if weekly.count != slotCodes.count { form.fail("slots", req.t("offer.error.slots")) }
        if schedule == .regular && weekly.isEmpty { form.fail("slots", req.t("offer.error.slots_required")) }
        let languages = form.value("languages")
        if languages.count > 200 { form.fail("languages", req.t("form.error.too_long", ["max": "200"])) }
        let address = form.value("address")
        if address.count > 200 { form.fail("address", req.t("form.error.too_long", ["max": "200"])) }
        let minorsWelcome = form.isChecked("minors_welcome")
        if minorsWelcome, let minimumAge, minimumAge >= 18 { form.fail("minimum_age", req.t("offer.error.minors_age")) }
        guard form.isValid, let area, let schedule, let hours, let needed, let minimumAge else { return false }
        offer.title = title
        offer.description = description
        offer.area = area.rawValue
        offer.skills = CommaList.items(skills).joined(separator: ", ")
        offer.schedule = schedule.rawValue
        offer.startsOn = startsOn
        offer.endsOn = endsOn
        offer.weeklySlots = WeeklySlot.code(of: weekly)
        offer.hoursPerWeek = hours
        offer.localityID = locality?.id
        offer.voivodeshipCode = locality?.voivodeshipCode ?? organisation.voivodeshipCode
        offer.latitude = locality?.latitude
        offer.longitude = locality?.longitude
        offer.address = address
        offer.remote = remote
        offer.volunteersNeeded = needed
        offer.minimumAge = minimumAge
        offer.minorsWelcome = minorsWelcome
        offer.involvesChildren = form.isChecked("involves_children")
        offer.providesTraining = form.isChecked("provides_training")
        offer.providesInsurance = form.isChecked("provides_insurance")
        offer.providesReimbursement = form.isChecked("provides_reimbursement")
        offer.languages = languages
        offer.accessible = form.isChecked("accessible")
        offer.recruitmentDeadline = deadline
        offer.searchText = SearchTerms.document([
            title, description, offer.skills, organisation.name, locality?.name ?? "", req.application.catalogues[.pl].text(area.catalogueKey),
        ] + PlaceWords.words(voivodeship: offer.voivodeshipCode, latitude: offer.latitude, longitude: offer.longitude, remote: remote))
        return true
    }

    /// A new offer of `organisation` from the form, saved (published when the form says so), or nil with
    /// the form's problems.
    static func create(_ form: inout FormState, in organisation: Organisation, _ req: Request) async throws -> Offer? {
        let offer = Offer()
        offer.$organisation.id = try organisation.requireID()
        offer.createdBy = try req.requireUser().requireID()
        offer.createdAt = Date()
        offer.status = form.isChecked("publish") ? Offer.Status.published.rawValue : Offer.Status.draft.rawValue
        guard try await apply(&form, to: offer, organisation: organisation, req) else { return nil }
        if offer.status == Offer.Status.published.rawValue { offer.publishedAt = Date() }
        try await offer.create(on: req.db)
        return offer
    }

    /// Saves the form into an existing offer (its organisation loaded), or says false with the form's problems.
    static func update(_ form: inout FormState, _ offer: Offer, _ req: Request) async throws -> Bool {
        guard try await apply(&form, to: offer, organisation: offer.organisation, req) else { return false }
        try await offer.save(on: req.db)
        return true
    }

    /// The form's values for an existing offer, to edit it.
    static func values(of offer: Offer, locality: String) -> [String: String] {
        var values: [String: String] = [
            "title": offer.title, "description": offer.description, "area": offer.area, "skills": offer.skills,
            "schedule": offer.schedule, "starts_on": offer.startsOn ?? "", "ends_on": offer.endsOn ?? "",
            "hours_per_week": String(offer.hoursPerWeek), "locality": locality, "address": offer.address,
            "volunteers_needed": String(offer.volunteersNeeded), "minimum_age": String(offer.minimumAge),
            "languages": offer.languages, "recruitment_deadline": offer.recruitmentDeadline ?? "",
        ]
        for (key, flag) in [
            ("remote", offer.remote), ("minors_welcome", offer.minorsWelcome), ("involves_children", offer.involvesChildren),
            ("provides_training", offer.providesTraining), ("provides_insurance", offer.providesInsurance),
            ("provides_reimbursement", offer.providesReimbursement), ("accessible", offer.accessible),
        ] where flag {
            values[key] = "on"
        }
        for slot in WeeklySlot.list(offer.weeklySlots) { values["slot_\(slot.code)"] = "on" }
        return values
    }
}
