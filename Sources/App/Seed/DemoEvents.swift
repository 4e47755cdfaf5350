import Fluent
import KorpusCore
import Vapor

/// Demo events of the partners in several voivodeships: trainings (one building on another), a camp, a
/// debate online, a forum and a coordinators' training, from next week on; and counselling times.
struct DemoEvents {
    let db: any Database

    struct Plan {
        let partner: String
        let kind: EventKind
        let title: String
        let description: String
        let audiences: [EventAudience]
        let place: (String, String)?
        let online: String?
        /// Days from today and hours (Warsaw) of each session.
        let sessions: [(days: Int, from: Int, to: Int)]
        let capacity: Int
        let prerequisite: EventKind?
        let minimumAge: Int?
    }

    static let plans: [Plan] = [
        Plan(partner: "Regionalne Centrum Wolontariatu w Gdańsku", kind: .basicTraining, title: "Szkolenie podstawowe dla wolontariuszy — Gdańsk",
             description: "Czym jest wolontariat, prawa i obowiązki wolontariusza, porozumienie, bezpieczeństwo. Dwa spotkania po trzy godziny.",
             audiences: [.volunteers], place: ("Gdańsk", "ul. Długa 12, sala 3"), online: nil, sessions: [(7, 17, 20), (14, 17, 20)],
             capacity: 20, prerequisite: nil, minimumAge: 15),
        Plan(partner: "Regionalne Centrum Wolontariatu w Gdańsku", kind: .developmentTraining, title: "Komunikacja w zespole wolontariuszy",
             description: "Szkolenie rozwojowe: rozmowa z podopiecznym, praca w zespole, rozwiązywanie konfliktów. Dla osób po szkoleniu podstawowym.",
             audiences: [.volunteers], place: ("Gdańsk", "ul. Długa 12, sala 3"), online: nil, sessions: [(21, 10, 16)],
             capacity: 15, prerequisite: .basicTraining, minimumAge: 15),
        Plan(partner: "Regionalne Centrum Wolontariatu w Słupsku", kind: .camp, title: "Obóz wolontariacki nad morzem — Ustka",
             description: "Pięć dni pracy przy sprzątaniu plaż i zajęciach dla dzieci z lokalnych świetlic, wieczorem warsztaty i ognisko.",
             audiences: [.volunteers], place: ("Ustka", "Ośrodek Bryza, ul. Wczasowa 1"), online: nil,
             sessions: [(30, 9, 18), (31, 9, 18), (32, 9, 18), (33, 9, 18), (34, 9, 16)], capacity: 24, prerequisite: nil, minimumAge: 16),
        Plan(partner: "Regionalne Centrum Wolontariatu w Krakowie", kind: .debate, title: "Debata: wolontariat pracowniczy — szansa czy obowiązek?",
             description: "Rozmowa przedstawicieli firm, organizacji i wolontariuszy o wolontariacie pracowniczym w Małopolsce.",
             audiences: [.coordinators, .organisers], place: nil, online: "https://spotkania.example.org/debata-krakow",
             sessions: [(10, 18, 20)], capacity: 100, prerequisite: nil, minimumAge: nil),
        Plan(partner: "Regionalne Centrum Wolontariatu w Warszawie", kind: .nationalForum, title: "Ogólnopolskie Forum Korpusu Solidarności",
             description: "Spotkanie regionalnych partnerów, koordynatorów i wolontariuszy z całej Polski: podsumowanie roku i plany.",
             audiences: [.volunteers, .coordinators, .organisers], place: ("Warszawa", "Centrum Konferencyjne, ul. Świętokrzyska 20"),
             online: nil, sessions: [(40, 10, 17), (41, 9, 15)], capacity: 300, prerequisite: nil, minimumAge: 15),
        Plan(partner: "Regionalne Centrum Wolontariatu w Słupsku", kind: .coordinatorBasicTraining, title: "Szkolenie dla koordynatorów wolontariatu — Słupsk",
             description: "Rekrutacja, porozumienia, karta czasu pracy i motywowanie wolontariuszy w praktyce organizacji.",
             audiences: [.coordinators], place: ("Słupsk", "ul. Kościuszki 5"), online: nil, sessions: [(12, 9, 15)],
             capacity: 2, prerequisite: nil, minimumAge: 18),
    ]

    /// The competences each kind of demo event develops.
    static let competences: [EventKind: String] = [
        .basicTraining: "intercultural_civic,care,teamwork", .developmentTraining: "communication,teamwork,problem_solving",
        .camp: "teamwork,care,organisation", .debate: "intercultural_civic,communication", .nationalForum: "intercultural_civic,projects",
        .coordinatorBasicTraining: "leadership,organisation,projects",
    ]

    func create() async throws {
        let creator = try await User.query(on: db).filter(\.$isAdministrator == true).first()?.requireID() ?? UUID()
        try await counselling(creator: creator)
        for plan in Self.plans {
            guard let partner = try await Partner.query(on: db).filter(\.$name == plan.partner).first() else { continue }
            var localityID: Int?
            if let (city, _) = plan.place {
                localityID = try await LocalityRecord.query(on: db).filter(\.$nameFolded == TextFolding.fold(city))
                    .filter(\.$voivodeshipCode == partner.voivodeshipCode).first()?.id
            }
            let sessions = plan.sessions.map { session -> (Date, Date) in
                let day = OfferDates.today(Date().addingTimeInterval(Double(session.days) * 86_400))
                return (DateFormat.parseLocal("\(day)T\(session.from < 10 ? "0" : "")\(session.from):00") ?? Date(),
                        DateFormat.parseLocal("\(day)T\(session.to < 10 ? "0" : "")\(session.to):00") ?? Date())
            }
            let event = Event()
            event.partnerID = partner.id
            event.organiserName = partner.name
            event.kind = plan.kind.rawValue
            event.title = plan.title
            event.description = plan.description
            event.audiences = plan.audiences.map(\.rawValue).joined(separator: ",")
            event.voivodeshipCode = partner.voivodeshipCode
            event.localityID = localityID
            event.address = plan.place?.1 ?? ""
            event.onlineLink = plan.online
            event.capacity = plan.capacity
            event.waitlist = true
            event.registrationDeadline = OfferDates.today(sessions[0].0.addingTimeInterval(-86_400))
            event.minimumAge = plan.minimumAge
            event.regionOnly = false
            event.coordinatorsOnly = plan.audiences == [.coordinators]
            event.prerequisite = plan.prerequisite?.rawValue
            // The camp selects among applications with two questions.
            event.selection = plan.kind == .camp
            event.questions = plan.kind == .camp ? "Dlaczego chcesz pojechać na obóz?\nCzy masz doświadczenie w pracy z dziećmi?" : ""
            event.competences = Self.competences[plan.kind]
            event.status = Event.Status.open.rawValue
            event.startsAt = sessions[0].0
            event.endsAt = sessions[sessions.count - 1].1
            event.createdBy = creator
            event.createdAt = Date()
            try await event.create(sessions: sessions, on: db)
        }
    }

    /// Counselling times: legal advice online from Gdańsk, volunteers' counselling in Słupsk, organisational
    /// advice online from Kraków.
    func counselling(creator: UUID) async throws {
        let plans: [(String, CounsellingKind, String, Int, Int, Int, Int, String?, String?)] = [
            ("Regionalne Centrum Wolontariatu w Gdańsku", .legal, "mec. Joanna Wiśniewska", 5, 10, 45, 4, nil, "https://spotkania.example.org/porady-prawne"),
            ("Regionalne Centrum Wolontariatu w Słupsku", .volunteers, "Bartosz Lis", 6, 16, 30, 3, "Słupsk", nil),
            ("Regionalne Centrum Wolontariatu w Krakowie", .organisational, "Magdalena Nowak", 8, 12, 60, 2, nil, "https://spotkania.example.org/porady-krakow"),
        ]
        for (partnerName, kind, counsellor, days, hour, minutes, count, city, link) in plans {
            guard let partner = try await Partner.query(on: db).filter(\.$name == partnerName).first() else { continue }
            let day = OfferDates.today(Date().addingTimeInterval(Double(days) * 86_400))
            guard let start = DateFormat.parseLocal("\(day)T\(hour < 10 ? "0" : "")\(hour):00") else { continue }
            var localityID: Int?
            if let city {
                localityID = try await LocalityRecord.query(on: db).filter(\.$nameFolded == TextFolding.fold(city))
                    .filter(\.$voivodeshipCode == partner.voivodeshipCode).first()?.id
            }
            for index in 0..<count {
                let slot = CounsellingSlot()
                slot.$partner.id = try partner.requireID()
                slot.kind = kind.rawValue
                slot.counsellor = counsellor
                slot.startsAt = start.addingTimeInterval(Double(index * minutes * 60))
                slot.endsAt = start.addingTimeInterval(Double((index + 1) * minutes * 60))
                slot.localityID = localityID
                slot.address = city == nil ? "" : "ul. Kościuszki 5, pokój 12"
                slot.onlineLink = link
                slot.cancelled = false
                slot.createdBy = creator
                slot.createdAt = Date()
                try await slot.create(on: db)
            }
        }
    }
}
