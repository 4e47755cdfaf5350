import Fluent
import KorpusCore
import Vapor

/// What stands behind a volunteer's self-rating, by competence area: hours confirmed by coordinators with
/// the competences the volunteer tagged them with, completed trainings (the volunteer's tags, or the
/// event's own), and certificates on which a coordinator confirmed competences.
struct CompetenceEvidence {
    var quarters: [String: Int] = [:]
    var trainings: [String: [String]] = [:]
    var certificates: [String: [String]] = [:]

    static func load(for volunteerID: UUID, on db: any Database) async throws -> CompetenceEvidence {
        var evidence = CompetenceEvidence()
        let codes = CompetenceTags.codes
        let entries = try await HourEntry.query(on: db).filter(\.$volunteer.$id == volunteerID)
            .filter(\.$status == HourEntry.Status.confirmed.rawValue).filter(\.$competences != nil).all()
        for entry in entries {
            for code in codes(entry.competences) { evidence.quarters[code, default: 0] += entry.quarterHours }
        }
        let registrations = try await EventRegistration.query(on: db).filter(\.$user.$id == volunteerID)
            .filter(\.$certificateIssuedAt != nil).with(\.$event).sort(\.$certificateIssuedAt).all()
        for registration in registrations {
            for code in codes(registration.competences ?? registration.event.competences) {
                evidence.trainings[code, default: []].append(registration.event.title)
            }
        }
        let certificates = try await Certificate.query(on: db).filter(\.$volunteer.$id == volunteerID)
            .filter(\.$status == Certificate.Status.issued.rawValue).filter(\.$competences != nil).sort(\.$issuedAt).all()
        for certificate in certificates {
            for code in codes(certificate.competences) {
                evidence.certificates[code, default: []].append(certificate.organisationName ?? "")
            }
        }
        return evidence
    }
}

/// Trainings from the catalogue (open, to come, for volunteers) and offers from SOW (in the volunteer's
/// voivodeship or remote) where a volunteer can practise the areas they rated lowest.
enum CompetenceSuggestions {
    struct Link: Encodable {
        let title: String
        let detail: String
        let href: String
    }

    struct ForArea: Encodable {
        let area: String
        let trainings: [Link]
        let offers: [Link]
    }

    /// Areas rated below this are worth developing.
    static let threshold = 4.0

    static func suggest(areas codes: [String], model: CompetenceModel, for user: User, _ req: Request) async throws -> [ForArea] {
        let areas = codes.compactMap(model.area)
        guard !areas.isEmpty else { return [] }
        let userID = try user.requireID()
        let dates = DateFormat(catalogue: req.catalogue)
        let registered = Set(try await EventRegistration.query(on: req.db).filter(\.$user.$id == userID).all().map(\.$event.id))
        let events = try await Event.query(on: req.db).filter(\.$status == Event.Status.open.rawValue).filter(\.$startsAt > Date())
            .filter(\.$competences != nil).sort(\.$startsAt).limit(300).all()
            .filter { event in
                event.id.map { !registered.contains($0) } ?? false && event.audienceList.contains(.volunteers) && !event.coordinatorsOnly
            }
        var voivodeship: String?
        if let localityID = user.localityID { voivodeship = try await LocalityRecord.find(localityID, on: req.db)?.voivodeshipCode }
        var suggestions: [ForArea] = []
        for area in areas {
            let trainings = events.filter { model.areaCodes($0.competences).contains(area.code) }.prefix(3).map { event in
                Link(title: event.title, detail: "\(req.t(event.kindValue.catalogueKey)) · \(dates.longDate(event.startsAt)) · \(event.organiserName)",
                     href: SitePath.event(event.id?.uuidString ?? "").path)
            }
            var query = Offer.query(on: req.db).filter(\.$status == Offer.Status.published.rawValue).filter(\.$hiddenReason == nil)
                .filter(\.$area ~~ area.offerAreas.map(\.rawValue)).with(\.$organisation)
            if let voivodeship {
                query = query.group(.or) { $0.filter(\.$voivodeshipCode == voivodeship).filter(\.$remote == true) }
            }
            let offers = try await query.sort(\.$publishedAt, .descending).limit(3).all().map { offer in
                Link(title: offer.title, detail: "\(req.t(OfferArea(rawValue: offer.area)?.catalogueKey ?? "offer.area.other")) · \(offer.organisation.name)",
                     href: SitePath.offer(offer.id?.uuidString ?? "").path)
            }
            suggestions.append(ForArea(area: req.t(area.nameKey), trainings: Array(trainings), offers: offers))
        }
        return suggestions
    }
}
