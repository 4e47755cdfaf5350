import Fluent
import KorpusCore
import Vapor

/// Demo offers: a few hundred realistic offers of the demo organisations in every voivodeship and area,
/// with applications in every state.
struct DemoOffers {
    let db: any Database
    let catalogue: Catalogue

    struct Template {
        let title: String
        let area: OfferArea
        let description: String
        let skills: String
        let schedule: OfferSchedule
        let slots: String
        let hours: Int
        let minimumAge: Int
        let minors: Bool
        let children: Bool
        let remote: Bool
        let accessible: Bool
    }

    static let templates: [Template] = [
        Template(title: "Zakupy i rozmowa dla seniorów z osiedla", area: .seniors,
                 description: "Raz w tygodniu odwiedzasz starszą osobę, robisz z nią zakupy i zostajesz na herbatę. Dla wielu naszych seniorów to jedyna rozmowa w tygodniu.",
                 skills: "cierpliwość, komunikatywność", schedule: .regular, slots: "tue-afternoon,thu-afternoon", hours: 3, minimumAge: 16, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Korepetycje z matematyki dla uczniów szkoły podstawowej", area: .education,
                 description: "Pomagasz dzieciom z klas 4–8 w odrabianiu lekcji i przygotowaniu do egzaminu ósmoklasisty. Zajęcia w świetlicy, w małych grupach.",
                 skills: "matematyka, praca z dziećmi", schedule: .regular, slots: "mon-afternoon,wed-afternoon", hours: 4, minimumAge: 16, minors: true, children: true, remote: false, accessible: true),
        Template(title: "Wyprowadzanie psów ze schroniska", area: .animals,
                 description: "Zabierasz psy ze schroniska na spacery po pobliskim lesie. Psy czekają na to cały tydzień, a spacer pomaga im znaleźć dom.",
                 skills: "kondycja, odpowiedzialność", schedule: .regular, slots: "sat-morning,sun-morning", hours: 3, minimumAge: 15, minors: true, children: false, remote: false, accessible: false),
        Template(title: "Wydawanie posiłków w jadłodajni", area: .socialWelfare,
                 description: "Pomagasz przygotować i wydać ciepłe posiłki osobom w kryzysie bezdomności. Zapewniamy szkolenie z higieny i fartuch.",
                 skills: "praca w zespole, książeczka sanepidowska mile widziana", schedule: .regular, slots: "mon-morning,fri-morning", hours: 4, minimumAge: 18, minors: false, children: false, remote: false, accessible: true),
        Template(title: "Pomoc przy festiwalu kultury lokalnej", area: .culture,
                 description: "Przez trzy dni festiwalu witasz gości, pilnujesz porządku na scenie i pomagasz artystom. Jednorazowa akcja, dużo muzyki i ludzi.",
                 skills: "otwartość, język angielski mile widziany", schedule: .oneOff, slots: "", hours: 20, minimumAge: 15, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Sprzątanie brzegów rzeki", area: .environment,
                 description: "Wspólnie sprzątamy brzegi rzeki i parku. Dostarczamy rękawice i worki, po akcji ognisko.",
                 skills: "", schedule: .oneOff, slots: "", hours: 5, minimumAge: 13, minors: true, children: false, remote: false, accessible: false),
        Template(title: "Asystent trenera na zajęciach piłkarskich", area: .sport,
                 description: "Pomagasz trenerowi prowadzić bezpłatne treningi piłki nożnej dla dzieci z osiedla: rozstawiasz sprzęt, prowadzisz rozgrzewkę, kibicujesz.",
                 skills: "piłka nożna, praca z dziećmi", schedule: .regular, slots: "tue-afternoon,thu-afternoon", hours: 4, minimumAge: 16, minors: true, children: true, remote: false, accessible: false),
        Template(title: "Wsparcie w punkcie pomocy uchodźcom", area: .refugeesAndMigrants,
                 description: "Pomagasz w punkcie informacyjnym dla osób z Ukrainy: tłumaczysz, pomagasz wypełnić dokumenty, wskazujesz urzędy.",
                 skills: "język ukraiński, język rosyjski", schedule: .ongoing, slots: "mon-morning,wed-morning,fri-afternoon", hours: 6, minimumAge: 18, minors: false, children: false, remote: false, accessible: true),
        Template(title: "Zdalne tłumaczenia materiałów dla rodzin", area: .refugeesAndMigrants,
                 description: "Tłumaczysz z polskiego na ukraiński ulotki, ogłoszenia szkolne i instrukcje. Pracujesz zdalnie, kiedy chcesz.",
                 skills: "język ukraiński, tłumaczenia", schedule: .ongoing, slots: "", hours: 2, minimumAge: 16, minors: true, children: false, remote: true, accessible: true),
        Template(title: "Czytanie książek dzieciom w szpitalu", area: .health,
                 description: "Odwiedzasz oddział pediatryczny i czytasz dzieciom książki, grasz z nimi w gry planszowe. Wymagamy zaświadczenia o niekaralności.",
                 skills: "praca z dziećmi, empatia", schedule: .regular, slots: "wed-afternoon,sat-afternoon", hours: 3, minimumAge: 18, minors: false, children: true, remote: false, accessible: true),
        Template(title: "Towarzysz na spacerach dla osoby niewidomej", area: .disabilities,
                 description: "Towarzyszysz osobie niewidomej w spacerach, wizytach w bibliotece i załatwianiu spraw. Przeszkolimy Cię z zasad asystowania.",
                 skills: "cierpliwość", schedule: .regular, slots: "sat-morning", hours: 3, minimumAge: 18, minors: false, children: false, remote: false, accessible: true),
        Template(title: "Zbiórka żywności w sklepach", area: .socialWelfare,
                 description: "Stoisz przy wejściu do sklepu i zachęcasz do przekazania produktów dla potrzebujących rodzin. Akcja przed świętami.",
                 skills: "komunikatywność", schedule: .oneOff, slots: "", hours: 6, minimumAge: 13, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Prowadzenie mediów społecznościowych stowarzyszenia", area: .community,
                 description: "Piszesz posty, robisz zdjęcia z naszych akcji i odpowiadasz na wiadomości. Pracujesz zdalnie, raz w miesiącu spotkanie zespołu.",
                 skills: "media społecznościowe, fotografia, pisanie", schedule: .ongoing, slots: "", hours: 3, minimumAge: 16, minors: true, children: false, remote: true, accessible: true),
        Template(title: "Dyżury w magazynie przeciwpowodziowym", area: .emergency,
                 description: "Pomagasz utrzymać magazyn worków, pomp i sprzętu w gotowości. W razie powodzi dołączasz do zespołu wsparcia mieszkańców.",
                 skills: "prawo jazdy kat. B, praca fizyczna", schedule: .regular, slots: "sat-morning", hours: 4, minimumAge: 18, minors: false, children: false, remote: false, accessible: false),
        Template(title: "Nauka obsługi smartfona dla seniorów", area: .seniors,
                 description: "W bibliotece uczysz seniorów wysyłać wiadomości, robić zdjęcia i bezpiecznie korzystać z bankowości w telefonie.",
                 skills: "obsługa smartfona, cierpliwość", schedule: .regular, slots: "thu-morning", hours: 2, minimumAge: 15, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Opieka nad ogrodem społecznym", area: .environment,
                 description: "Dbasz z sąsiadami o ogród społeczny: podlewanie, sadzenie, warsztaty dla dzieci z okolicy.",
                 skills: "ogrodnictwo", schedule: .regular, slots: "sat-morning,wed-evening", hours: 3, minimumAge: 13, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Animacje dla dzieci na półkoloniach", area: .childrenAndYouth,
                 description: "Przez dwa tygodnie ferii prowadzisz gry i zabawy dla dzieci w świetlicy. Potrzebne zaświadczenie z rejestrów.",
                 skills: "animacja czasu wolnego, praca z dziećmi", schedule: .oneOff, slots: "", hours: 25, minimumAge: 18, minors: false, children: true, remote: false, accessible: true),
        Template(title: "Pomoc w bibliotece przy akcji „Książka na telefon”", area: .culture,
                 description: "Dowozisz książki z biblioteki osobom, które nie wychodzą z domu, i pomagasz wybrać kolejne lektury.",
                 skills: "rower lub prawo jazdy", schedule: .regular, slots: "fri-afternoon", hours: 2, minimumAge: 16, minors: true, children: false, remote: false, accessible: false),
        Template(title: "Wolontariusz w hospicjum domowym", area: .health,
                 description: "Odwiedzasz pacjentów hospicjum domowego i ich rodziny, dajesz czas i obecność. Przed rozpoczęciem szkolenie z psychologiem.",
                 skills: "empatia, dyskrecja", schedule: .ongoing, slots: "tue-evening,sun-afternoon", hours: 4, minimumAge: 18, minors: false, children: false, remote: false, accessible: false),
        Template(title: "Pomoc przy organizacji biegu charytatywnego", area: .sport,
                 description: "Obsługujesz punkt z wodą, wydajesz pakiety startowe i kibicujesz biegaczom. Jednodniowa akcja w weekend.",
                 skills: "", schedule: .oneOff, slots: "", hours: 8, minimumAge: 13, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Opieka nad biblioteczką sąsiedzką i wymianą rzeczy", area: .other,
                 description: "Raz w tygodniu porządkujesz półki biblioteczki na klatce schodowej, przyjmujesz książki i rzeczy do wymiany i pilnujesz, żeby wszystko było czyste.",
                 skills: "porządek, życzliwość", schedule: .regular, slots: "sat-afternoon", hours: 2, minimumAge: 14, minors: true, children: false, remote: false, accessible: true),
        Template(title: "Tłumaczenie ulotek organizacji na język ukraiński", area: .other,
                 description: "Tłumaczysz krótkie ulotki i ogłoszenia organizacji z polskiego na ukraiński, zdalnie i w dogodnym dla siebie czasie.",
                 skills: "język ukraiński, język polski", schedule: .ongoing, slots: "", hours: 2, minimumAge: 16, minors: true, children: false, remote: true, accessible: true),
    ]

    /// Voivodeship capitals, where the regional volunteer centres post offers.
    static let capitals: [(Voivodeship, String, String)] = [
        (.dolnoslaskie, "Wrocław", "Wrocławiu"), (.kujawskoPomorskie, "Bydgoszcz", "Bydgoszczy"), (.lubelskie, "Lublin", "Lublinie"),
        (.lubuskie, "Zielona Góra", "Zielonej Górze"), (.lodzkie, "Łódź", "Łodzi"), (.malopolskie, "Kraków", "Krakowie"),
        (.mazowieckie, "Warszawa", "Warszawie"), (.opolskie, "Opole", "Opolu"), (.podkarpackie, "Rzeszów", "Rzeszowie"),
        (.podlaskie, "Białystok", "Białymstoku"), (.pomorskie, "Gdańsk", "Gdańsku"), (.slaskie, "Katowice", "Katowicach"),
        (.swietokrzyskie, "Kielce", "Kielcach"), (.warminskoMazurskie, "Olsztyn", "Olsztynie"), (.wielkopolskie, "Poznań", "Poznaniu"),
        (.zachodniopomorskie, "Szczecin", "Szczecinie"),
    ]

    func create(passwordHash: String) async throws {
        var generator = SeededGenerator(seed: 2026)
        // A volunteer centre in every voivodeship, so that offers cover the whole country.
        var organisations = try await Organisation.query(on: db).filter(\.$status == Organisation.Status.verified.rawValue).all()
        for (index, (voivodeship, city, locative)) in Self.capitals.enumerated() {
            guard let locality = try await LocalityRecord.query(on: db).filter(\.$nameFolded == TextFolding.fold(city))
                .filter(\.$voivodeshipCode == voivodeship.terytCode).sort(\.$population, .descending).first(), let localityID = locality.id
            else { continue }
            let centre = Organisation()
            centre.name = "Stowarzyszenie Centrum Wolontariatu w \(locative)"
            centre.kind = Organisation.Kind.association.rawValue
            centre.krs = String(format: "00005%05d", 31000 + index * 517)
            centre.nip = DemoNumbers.nip(seed: 100 + index)
            centre.regon = DemoNumbers.regon(seed: 100 + index)
            centre.street = "ul. Wolontariuszy \(index + 1)"
            centre.postalCode = String(format: "%02d-%03d", 10 + index * 5, 100 + index)
            centre.localityID = localityID
            centre.voivodeshipCode = voivodeship.terytCode
            centre.description = "Centrum wolontariatu, które od lat łączy mieszkańców \(locative.hasSuffix("ie") ? "regionu" : "miasta") z organizacjami potrzebującymi pomocy."
            centre.contactEmail = "centrum.\(voivodeship.terytCode)@\(DemoContent.demoDomain)"
            centre.status = Organisation.Status.verified.rawValue
            centre.verifiedAt = Date()
            centre.createdBy = UUID()
            try await centre.create(on: db)
            organisations.append(centre)
        }
        let creator = try await User.query(on: db).filter(\.$email == "karolina.zawadzka@\(DemoContent.demoDomain)").first()?.requireID() ?? UUID()
        let today = OfferDates.today()
        var created: [Offer] = []
        for organisation in organisations {
            let nearby = try await LocalityRecord.query(on: db).filter(\.$voivodeshipCode == organisation.voivodeshipCode)
                .sort(\.$population, .descending).limit(12).all()
            let home = try await LocalityRecord.find(organisation.localityID, on: db)
            for number in 0..<14 {
                let template = Self.templates[Int(generator.next() % UInt64(Self.templates.count))]
                let place = number % 3 == 0 ? home : nearby[Int(generator.next() % UInt64(max(1, nearby.count)))]
                let offer = Offer()
                offer.$organisation.id = try organisation.requireID()
                offer.createdBy = creator
                offer.createdAt = Date().addingTimeInterval(-Double(generator.next() % 5_000_000))
                offer.title = template.title
                offer.description = template.description + "\n\n" + "Dołącz do zespołu \(organisation.name)."
                offer.area = template.area.rawValue
                offer.skills = template.skills
                offer.schedule = template.schedule.rawValue
                let startOffset = Int(generator.next() % 60)
                offer.startsOn = template.schedule == .ongoing ? nil : Self.day(after: today, days: startOffset)
                offer.endsOn = template.schedule == .ongoing ? nil
                    : Self.day(after: today, days: startOffset + (template.schedule == .oneOff ? 2 : 120 + Int(generator.next() % 120)))
                offer.weeklySlots = template.slots
                offer.hoursPerWeek = template.hours
                offer.localityID = template.remote ? nil : place?.id
                offer.voivodeshipCode = organisation.voivodeshipCode
                offer.latitude = template.remote ? nil : place?.latitude
                offer.longitude = template.remote ? nil : place?.longitude
                offer.address = template.remote ? "" : "ul. Przykładowa \(number + 1)"
                offer.remote = template.remote
                offer.volunteersNeeded = 1 + Int(generator.next() % 6)
                offer.minimumAge = template.minimumAge
                offer.minorsWelcome = template.minors
                offer.involvesChildren = template.children
                offer.providesTraining = generator.next() % 2 == 0
                offer.providesInsurance = true
                offer.providesReimbursement = generator.next() % 3 == 0
                offer.languages = template.area == .refugeesAndMigrants ? "polski, ukraiński" : "polski"
                offer.accessible = template.accessible
                offer.recruitmentDeadline = offer.startsOn.map { start in min(start, Self.day(after: today, days: 30)) }
                let roll = generator.next() % 20
                offer.status = (roll == 0 ? Offer.Status.draft : roll == 1 ? .closed : roll == 2 ? .finished : .published).rawValue
                offer.publishedAt = offer.status == Offer.Status.draft.rawValue ? nil : offer.createdAt
                offer.searchText = SearchTerms.document([
                    offer.title, offer.description, offer.skills, organisation.name, place?.name ?? "", catalogue.text(template.area.catalogueKey),
                ] + PlaceWords.words(voivodeship: offer.voivodeshipCode, latitude: offer.latitude, longitude: offer.longitude, remote: offer.remote))
                created.append(offer)
            }
        }
        for chunk in stride(from: 0, to: created.count, by: 100) {
            let slice = Array(created[chunk..<min(chunk + 100, created.count)])
            try await slice.create(on: db)
            try await OfferIndex.refresh(try slice.map { (try $0.requireID(), $0.searchText) }, on: db)
        }
        try await applications(to: created)
        try await helpOffers()
        try await partnershipNeeds()
        try await engagementWithHours()
        try await minorEngagement()
        try await DemoCompetences(db: db).create(passwordHash: passwordHash)
    }

    /// Zofia Kaczmarek (15, with her guardian's consent) was accepted by Stowarzyszenie Razem dla Słupska two
    /// weeks ago; her agreement is still to be prepared by the association, and accepted by her mother too.
    func minorEngagement() async throws {
        guard let zofia = try await User.query(on: db).filter(\.$email == "zofia.kaczmarek@\(DemoContent.demoDomain)").first(),
            let association = try await Organisation.query(on: db).filter(\.$name == "Stowarzyszenie Razem dla Słupska").first(),
            let offer = try await Offer.query(on: db).filter(\.$organisation.$id == association.requireID())
                .filter(\.$status == Offer.Status.published.rawValue).sort(\.$title).first()
        else { return }
        let application = OfferApplication()
        application.$offer.id = try offer.requireID()
        application.$volunteer.id = try zofia.requireID()
        application.message = "Mam zgodę mamy i chętnie pomogę po lekcjach."
        application.status = OfferApplication.Status.accepted.rawValue
        application.createdAt = Date().addingTimeInterval(-20 * 86_400)
        application.decidedAt = Date().addingTimeInterval(-14 * 86_400)
        try await application.create(on: db)
    }

    /// Anna Kowalska volunteers with Fundacja Pomocna Dłoń since four months ago: her weekly hours are
    /// confirmed, this month's partly waiting for Karolina Zawadzka, the foundation's coordinator.
    func engagementWithHours() async throws {
        guard let anna = try await User.query(on: db).filter(\.$email == "anna.kowalska@\(DemoContent.demoDomain)").first(),
            let foundation = try await Organisation.query(on: db).filter(\.$name == "Fundacja Pomocna Dłoń").first(),
            let offer = try await Offer.query(on: db).filter(\.$organisation.$id == foundation.requireID())
                .filter(\.$status == Offer.Status.published.rawValue).sort(\.$title).first()
        else { return }
        let annaID = try anna.requireID()
        let application = try await OfferApplication.query(on: db).filter(\.$offer.$id == offer.requireID()).filter(\.$volunteer.$id == annaID).first()
            ?? OfferApplication()
        application.$offer.id = try offer.requireID()
        application.$volunteer.id = annaID
        application.message = "Chętnie dołączę na dłużej."
        application.status = OfferApplication.Status.accepted.rawValue
        application.createdAt = Date().addingTimeInterval(-150 * 86_400)
        application.decidedAt = Date().addingTimeInterval(-140 * 86_400)
        try await application.save(on: db)
        guard let engagement = try await Engagement.query(on: db).filter(\.$application.$id == application.requireID()).first() else { return }
        let today = OfferDates.today()
        let now = YearMonth.current()
        let start = now.adding(months: -4)
        engagement.startsOn = start.description + "-01"
        engagement.endsOn = nil
        try await engagement.save(on: db)
        let coordinator = try await User.query(on: db).filter(\.$email == "karolina.zawadzka@\(DemoContent.demoDomain)").first()?.id
        // What she did, and the competences she practised doing it.
        let tasks = [("Zakupy i rozmowa z panią Heleną", "communication,care"), ("Spacer z panem Józefem", "care"),
                     ("Pomoc przy świątecznej paczce", "teamwork,organisation"), ("Czytanie gazety seniorom w świetlicy", "communication")]
        var entries: [HourEntry] = []
        for offset in 0...4 {
            let month = start.adding(months: offset)
            for (week, day) in [3, 10, 17, 24].enumerated() {
                let date = month.description + (day < 10 ? "-0" : "-") + String(day)
                guard date <= today else { continue }
                let entry = HourEntry()
                entry.$engagement.id = try engagement.requireID()
                entry.$volunteer.id = annaID
                entry.$organisation.id = try foundation.requireID()
                entry.workedOn = date
                entry.quarterHours = 17 + week % 2 * 2
                entry.description = tasks[week % tasks.count].0
                entry.competences = tasks[week % tasks.count].1
                let waiting = offset == 4 && week > 0
                entry.status = (waiting ? HourEntry.Status.pending : .confirmed).rawValue
                entry.decidedBy = waiting ? nil : coordinator
                entry.decidedAt = waiting ? nil : Date()
                entry.createdAt = Date()
                entries.append(entry)
            }
        }
        try await entries.create(on: db)
        // The cards of this month, from October's confirmed hours (the worker would do it at the first poll).
        _ = try await CardJob.compute(now, on: db)
    }

    /// Partnership needs of demo organisations in Pomorskie and elsewhere, open to the organisations around.
    func partnershipNeeds() async throws {
        let entries: [(String, PartnershipKind, String, String, String, [OfferArea], String, Int, Bool)] = [
            ("Fundacja Pomocna Dłoń", .premises, "Sala na zajęcia dla seniorów w Gdańsku",
             "Od stycznia prowadzimy cotygodniowe spotkania seniorów z wolontariuszami. Szukamy sali na 30 osób, dostępnej dla osób poruszających się na wózkach, we wtorki po południu.",
             "sala, dostępność, seniorzy", [.seniors], "", 25, false),
            ("Stowarzyszenie Razem dla Słupska", .jointAction, "Wspólna zbiórka żywności przed świętami",
             "Planujemy zbiórkę żywności w sklepach Słupska i okolic. Szukamy organizacji, które przyjmą część darów i pomogą w ich rozdaniu rodzinom w potrzebie.",
             "magazyn, transport, wolontariusze", [.socialWelfare, .community], "", 50, false),
            ("Stowarzyszenie Centrum Wolontariatu w Gdańsku", .coalition, "Pomorska koalicja na rzecz wolontariatu młodzieży",
             "Zapraszamy szkoły i organizacje z całego województwa do koalicji, która przygotuje wspólny kalendarz akcji dla młodych wolontariuszy.",
             "szkoła, młodzież, edukacja", [.education, .childrenAndYouth], "school,association,foundation", 50, true),
            ("Krakowski Klub Sportowy Wisełka", .equipment, "Bus na wyjazdy drużyn młodzieżowych",
             "Nasze drużyny młodzieżowe grają w lidze wojewódzkiej. Szukamy partnera, który udostępni bus na kilka wyjazdów w sezonie.",
             "transport, bus", [.sport, .childrenAndYouth], "", 50, false),
        ]
        for (organisationName, kind, title, description, wanted, areas, kinds, reach, remote) in entries {
            guard let organisation = try await Organisation.query(on: db).filter(\.$name == organisationName).first(),
                let locality = try await LocalityRecord.find(organisation.localityID, on: db), let localityID = locality.id
            else { continue }
            let need = PartnershipNeed()
            need.$organisation.id = try organisation.requireID()
            need.kind = kind.rawValue
            need.title = title
            need.description = description
            need.areas = areas.map(\.rawValue).joined(separator: ",")
            need.wanted = wanted
            need.preferredKinds = kinds
            need.localityID = localityID
            need.voivodeshipCode = organisation.voivodeshipCode
            need.latitude = locality.latitude
            need.longitude = locality.longitude
            need.reachKilometres = reach
            need.remote = remote
            need.validUntil = Self.day(after: OfferDates.today(), days: 60)
            need.status = PartnershipNeed.Status.open.rawValue
            need.createdBy = organisation.createdBy
            need.createdAt = Date()
            try await need.create(on: db)
        }
    }

    /// Offers of help from the demo volunteers.
    func helpOffers() async throws {
        let entries: [(String, String, String, [OfferArea], String, String, Bool)] = [
            ("anna.kowalska", "Studiuję pedagogikę, lubię pracę z dziećmi i mogę pomagać w odrabianiu lekcji.", "korepetycje, angielski",
             [.education, .childrenAndYouth], "mon-afternoon,wed-afternoon", "Gdańsk", false),
            ("piotr.nowak", "Jestem emerytowanym kierowcą, chętnie podwiozę seniorów do lekarza albo pomogę przy zbiórkach.", "prawo jazdy kat. B",
             [.seniors, .socialWelfare], "tue-morning,thu-morning", "Kraków", false),
            ("oksana.melnyk", "Mówię po ukraińsku, rosyjsku i polsku — mogę tłumaczyć i pomagać rodzinom z Ukrainy w urzędach.", "tłumaczenia, ukraiński",
             [.refugeesAndMigrants], "sat-morning", "Wrocław", true),
            ("jan.wisniewski", "Emerytowany nauczyciel historii. Mogę prowadzić spacery po mieście i opowiadać o jego dziejach.", "historia, przewodnictwo",
             [.culture, .seniors], "fri-afternoon", "Lublin", false),
        ]
        for (login, description, skills, areas, slots, place, remote) in entries {
            guard let user = try await User.query(on: db).filter(\.$email == "\(login)@\(DemoContent.demoDomain)").first(),
                let locality = try await LocalityRecord.query(on: db).filter(\.$nameFolded == TextFolding.fold(place)).sort(\.$population, .descending).first()
            else { continue }
            let offer = HelpOffer()
            offer.$volunteer.id = try user.requireID()
            offer.updatedAt = Date()
            offer.description = description
            offer.skills = skills
            offer.areas = areas.map(\.rawValue).joined(separator: ",")
            offer.weeklySlots = slots
            offer.localityID = locality.id
            offer.voivodeshipCode = locality.voivodeshipCode
            offer.latitude = locality.latitude
            offer.longitude = locality.longitude
            offer.distanceKilometres = 20
            offer.remote = remote
            offer.active = true
            offer.languages = login == "oksana.melnyk" ? "polski, ukraiński, rosyjski" : "polski"
            offer.recordCheck = login == "anna.kowalska"
            offer.needsAccessibility = false
            offer.searchText = SearchTerms.document([description, skills, place] + areas.map { catalogue.text($0.catalogueKey) }
                + PlaceWords.words(voivodeship: offer.voivodeshipCode, latitude: offer.latitude, longitude: offer.longitude, remote: remote))
            try await offer.create(on: db)
            try await TextIndex.helpOffers.update(id: try offer.requireID(), text: offer.searchText, on: db)
        }
    }

    /// Applications in every state from the demo volunteers.
    func applications(to offers: [Offer]) async throws {
        let emails = ["anna.kowalska", "piotr.nowak", "oksana.melnyk", "jan.wisniewski"].map { "\($0)@\(DemoContent.demoDomain)" }
        let volunteers = try await User.query(on: db).filter(\.$email ~~ emails).all()
        let open = offers.filter { $0.status == Offer.Status.published.rawValue && $0.minimumAge <= 18 }
        let states: [OfferApplication.Status] = [.pending, .accepted, .reserve, .declined, .withdrawn]
        for (index, offer) in open.prefix(12).enumerated() {
            for (position, volunteer) in volunteers.enumerated() where (index + position) % 2 == 0 {
                let application = OfferApplication()
                application.$offer.id = try offer.requireID()
                application.$volunteer.id = try volunteer.requireID()
                application.message = "Dzień dobry, chętnie pomogę — mam wolne popołudnia i doświadczenie z podobnych akcji."
                let status = states[(index + position) % states.count]
                application.status = status.rawValue
                application.reason = status == .declined ? "Szukamy osoby z prawem jazdy." : nil
                application.createdAt = Date().addingTimeInterval(-Double(index * 3600))
                application.decidedAt = status == .pending ? nil : Date()
                try await application.create(on: db)
            }
        }
    }

    static func day(after isoDay: String, days: Int) -> String {
        guard let components = Age.parseDay(isoDay) else { return isoDay }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DateFormat.timeZone
        guard let date = calendar.date(from: components), let later = calendar.date(byAdding: .day, value: days, to: date) else { return isoDay }
        return OfferDates.today(later)
    }
}

/// A small deterministic generator (SplitMix64), so the demo is the same on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
