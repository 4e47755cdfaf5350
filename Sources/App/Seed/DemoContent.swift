import Fluent
import KorpusCore
import Vapor

/// Realistic demo content, so a newcomer sees Korpus as people will use it. Each module adds its part here.
/// Regions are reference data loaded by their migration, so they are always present.
enum DemoContent {
    /// The password of every demo account except the administrator's (listed in the README).
    static let demoPassword = "Korpus-demo-2026"
    static let demoDomain = "demo.korpus.local"

    struct Outcome {
        /// The administrator's password, when this run created the administrator; shown once.
        let administratorPassword: String?
        let administratorEmail: String
        let demoAccountsCreated: Bool
    }

    /// Whether the database holds nobody yet: the first start of a new embedded database.
    static func isEmpty(_ db: any Database) async throws -> Bool {
        try await User.query(on: db).count() == 0
    }

    /// Adds the demo content; running it again adds nothing twice.
    static func seed(on db: any Database, administratorEmail: String, passwordHasher: some PasswordHasher,
                     catalogue: Catalogue? = nil) async throws -> Outcome {
        var password: String?
        if try await User.query(on: db).filter(\.$email == administratorEmail).first() == nil {
            let generated = generatePassword()
            let administrator = User(
                email: administratorEmail,
                displayName: "Administrator programu",
                passwordHash: try passwordHasher.hash(generated),
                isAdministrator: true)
            administrator.emailVerifiedAt = Date()
            administrator.dateOfBirth = "1980-01-01"
            try await administrator.create(on: db)
            password = generated
        }
        var created = false
        if try await User.query(on: db).filter(\.$email == "anna.kowalska@\(demoDomain)").first() == nil {
            let hash = try passwordHasher.hash(demoPassword)
            try await DemoPeople(db: db, passwordHash: hash).create()
            try await DemoOffers(db: db, catalogue: try catalogue ?? Catalogue.bundled(.pl)).create(passwordHash: hash)
            try await DemoEvents(db: db).create()
            created = true
        }
        return Outcome(administratorPassword: password, administratorEmail: administratorEmail, demoAccountsCreated: created)
    }

    /// A password of 20 characters without look-alikes (0/O, 1/l/I), from the system's secure generator.
    static func generatePassword(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// The demo's people, partners and organisations.
private struct DemoPeople {
    let db: any Database
    let passwordHash: String

    /// Regional partners, one per voivodeship, named after the volunteer centre of the capital.
    static let regionalCentres: [(Voivodeship, String, String)] = [
        (.dolnoslaskie, "Regionalne Centrum Wolontariatu we Wrocławiu", "Wrocław"),
        (.kujawskoPomorskie, "Regionalne Centrum Wolontariatu w Bydgoszczy", "Bydgoszcz"),
        (.lubelskie, "Regionalne Centrum Wolontariatu w Lublinie", "Lublin"),
        (.lubuskie, "Regionalne Centrum Wolontariatu w Zielonej Górze", "Zielona Góra"),
        (.lodzkie, "Regionalne Centrum Wolontariatu w Łodzi", "Łódź"),
        (.malopolskie, "Regionalne Centrum Wolontariatu w Krakowie", "Kraków"),
        (.mazowieckie, "Regionalne Centrum Wolontariatu w Warszawie", "Warszawa"),
        (.opolskie, "Regionalne Centrum Wolontariatu w Opolu", "Opole"),
        (.podkarpackie, "Regionalne Centrum Wolontariatu w Rzeszowie", "Rzeszów"),
        (.podlaskie, "Regionalne Centrum Wolontariatu w Białymstoku", "Białystok"),
        (.pomorskie, "Regionalne Centrum Wolontariatu w Gdańsku", "Gdańsk"),
        (.slaskie, "Regionalne Centrum Wolontariatu w Katowicach", "Katowice"),
        (.swietokrzyskie, "Regionalne Centrum Wolontariatu w Kielcach", "Kielce"),
        (.warminskoMazurskie, "Regionalne Centrum Wolontariatu w Olsztynie", "Olsztyn"),
        (.wielkopolskie, "Regionalne Centrum Wolontariatu w Poznaniu", "Poznań"),
        (.zachodniopomorskie, "Regionalne Centrum Wolontariatu w Szczecinie", "Szczecin"),
    ]

    static let operatorNames = [
        "Katarzyna Wójcik", "Tomasz Kamiński", "Magdalena Lewandowska", "Paweł Zieliński", "Agnieszka Szymańska",
        "Michał Woźniak", "Joanna Dąbrowska", "Krzysztof Kozłowski", "Monika Jankowska", "Marcin Mazur",
        "Ewa Kwiatkowska", "Grzegorz Krawczyk", "Aleksandra Piotrowska", "Rafał Grabowski", "Natalia Pawłowska",
        "Łukasz Michalski",
    ]

    func locality(_ name: String, _ voivodeship: Voivodeship) async throws -> LocalityRecord {
        guard let record = try await LocalityRecord.query(on: db).filter(\.$nameFolded == TextFolding.fold(name))
            .filter(\.$voivodeshipCode == voivodeship.terytCode).sort(\.$population, .descending).first()
        else { throw Abort(.internalServerError, reason: "demo locality \(name) is missing") }
        return record
    }

    @discardableResult
    func person(_ name: String, _ email: String, born: String, in place: String, _ voivodeship: Voivodeship,
                guardianEmail: String? = nil, guardian: UUID? = nil) async throws -> User {
        let user = User(email: email, displayName: name, passwordHash: guardian == nil ? passwordHash : "", isAdministrator: false)
        user.dateOfBirth = born
        user.localityID = try await locality(place, voivodeship).id
        user.emailVerifiedAt = guardian == nil ? Date() : nil
        user.guardianEmail = guardianEmail
        user.guardianID = guardian
        try await user.create(on: db)
        let id = try user.requireID()
        if guardian == nil {
            for kind in [ConsentRecord.Kind.terms, .privacy] {
                try await ConsentRecord(userID: id, kind: kind, version: ProgrammeDocument.currentVersion(kind == .terms ? .terms : .privacy),
                                        granted: true, address: "seed").create(on: db)
            }
        }
        return user
    }

    func create() async throws {
        let domain = DemoContent.demoDomain
        // Partners and their operators.
        for (index, (voivodeship, name, _)) in Self.regionalCentres.enumerated() {
            let partner = Partner(kind: .regional, name: name, voivodeship: voivodeship)
            try await partner.create(on: db)
            let slug = TextFolding.fold(voivodeship.polishName).replacingOccurrences(of: "-", with: "")
            let operatorUser = try await person(Self.operatorNames[index], "operator.\(slug)@\(domain)", born: "1985-03-1\(index % 10)",
                                                in: Self.regionalCentres[index].2, voivodeship)
            try await assign(operatorUser, to: partner)
        }
        let slupsk = Partner(kind: .local, name: "Regionalne Centrum Wolontariatu w Słupsku", voivodeship: .pomorskie)
        try await slupsk.create(on: db)
        for place in ["Słupsk", "Ustka", "Lębork"] {
            let area = PartnerLocality()
            area.$partner.id = try slupsk.requireID()
            area.localityID = try await locality(place, .pomorskie).id ?? 0
            try await area.create(on: db)
        }
        try await assign(try await person("Bartosz Lis", "operator.slupsk@\(domain)", born: "1990-06-02", in: "Słupsk", .pomorskie), to: slupsk)

        // Volunteers: adults, a minor with a guardian's consent, a minor still waiting for it, a child's account.
        try await person("Anna Kowalska", "anna.kowalska@\(domain)", born: "1998-04-12", in: "Gdańsk", .pomorskie)
        try await person("Piotr Nowak", "piotr.nowak@\(domain)", born: "1971-11-03", in: "Kraków", .malopolskie)
        try await person("Oksana Melnyk", "oksana.melnyk@\(domain)", born: "1993-08-21", in: "Wrocław", .dolnoslaskie)
        try await person("Jan Wiśniewski", "jan.wisniewski@\(domain)", born: "1957-02-17", in: "Lublin", .lubelskie)
        let zofia = try await person("Zofia Kaczmarek", "zofia.kaczmarek@\(domain)", born: "2010-05-30", in: "Słupsk", .pomorskie,
                                     guardianEmail: "marta.kaczmarek@\(domain)")
        try await ConsentRecord(userID: try zofia.requireID(), kind: .guardian, version: ProgrammeDocument.currentVersion(.terms),
                                granted: true, address: "seed", details: "Marta Kaczmarek <marta.kaczmarek@\(domain)>").create(on: db)
        try await person("Igor Zając", "igor.zajac@\(domain)", born: "2009-09-14", in: "Łódź", .lodzkie, guardianEmail: "ewa.zajac@\(domain)")
        let marta = try await person("Marta Kaczmarek", "marta.kaczmarek@\(domain)", born: "1982-01-09", in: "Słupsk", .pomorskie)
        let child = try await person("Staś Kaczmarek", "child-\(UUID().uuidString.lowercased())@korpus.invalid", born: "2016-07-01",
                                     in: "Słupsk", .pomorskie, guardian: try marta.requireID())
        try await ConsentRecord(userID: try child.requireID(), kind: .guardian, version: ProgrammeDocument.currentVersion(.terms),
                                granted: true, address: "seed", details: "Marta Kaczmarek <marta.kaczmarek@\(domain)>").create(on: db)

        // Organisations of every type in several voivodeships, most verified, some waiting.
        let organisations: [(String, Organisation.Kind, String, Voivodeship, Organisation.Status, String, String)] = [
            ("Fundacja Pomocna Dłoń", .foundation, "Gdańsk", .pomorskie, .verified, "ewa.nowicka", "Ewa Nowicka"),
            ("Stowarzyszenie Razem dla Słupska", .association, "Słupsk", .pomorskie, .verified, "adam.sikora", "Adam Sikora"),
            ("Krakowski Klub Sportowy Wisełka", .otherNGO, "Kraków", .malopolskie, .verified, "maria.baran", "Maria Baran"),
            ("Miejski Ośrodek Pomocy Społecznej w Łodzi", .publicInstitution, "Łódź", .lodzkie, .verified, "jerzy.kubiak", "Jerzy Kubiak"),
            ("Szkoła Podstawowa nr 5 im. Marii Konopnickiej w Lublinie", .school, "Lublin", .lubelskie, .verified, "barbara.wrobel", "Barbara Wróbel"),
            ("Caritas Archidiecezji Przemyskiej — Centrum w Rzeszowie", .churchEntity, "Rzeszów", .podkarpackie, .verified, "stanislaw.gorski", "Stanisław Górski"),
            ("Bałtycka Spółdzielnia Programistów — wolontariat pracowniczy", .company, "Gdynia", .pomorskie, .pending, "kamil.walczak", "Kamil Walczak"),
            ("Sąsiedzi z Mokotowa", .informalGroup, "Warszawa", .mazowieckie, .pending, "julia.olszewska", "Julia Olszewska"),
            ("Fundacja Morska Przystań", .foundation, "Sopot", .pomorskie, .pending, "robert.duda", "Robert Duda"),
            ("Stowarzyszenie Przyjaciół Ustki", .association, "Ustka", .pomorskie, .pending, "irena.mroz", "Irena Mróz"),
        ]
        for (index, entry) in organisations.enumerated() {
            let (name, kind, place, voivodeship, status, login, personName) = entry
            let representative = try await person(personName, "\(login)@\(domain)", born: "19\(70 + index)-0\(1 + index % 9)-15", in: place, voivodeship)
            let organisation = Organisation()
            organisation.name = name
            organisation.kind = kind.rawValue
            if kind.requiresKRS { organisation.krs = String(format: "00004%05d", 12000 + index * 731) }
            if kind.requiresNIPAndREGON {
                organisation.nip = DemoNumbers.nip(seed: index)
                organisation.regon = DemoNumbers.regon(seed: index)
            }
            let locality = try await locality(place, voivodeship)
            organisation.street = ["ul. Długa 12", "ul. Kościuszki 5", "al. Niepodległości 18", "ul. Piotrkowska 100", "ul. Narutowicza 8",
                                   "ul. 3 Maja 21", "ul. Świętojańska 44", "ul. Puławska 120", "ul. Bohaterów Monte Cassino 30", "ul. Marynarki Polskiej 3"][index]
            organisation.postalCode = ["80-831", "76-200", "31-019", "90-004", "20-004", "35-064", "81-389", "02-511", "81-767", "76-270"][index]
            organisation.localityID = locality.id ?? 0
            organisation.voivodeshipCode = voivodeship.terytCode
            organisation.description = Self.descriptions[index]
            organisation.website = "https://example.org/\(TextFolding.fold(name).split(separator: " ").prefix(3).joined(separator: "-"))"
            organisation.contactEmail = "kontakt.\(index + 1)@\(domain)"
            organisation.status = status.rawValue
            organisation.createdBy = try representative.requireID()
            if status == .verified { organisation.verifiedAt = Date() }
            try await organisation.create(on: db)
            let organisationID = try organisation.requireID()
            try await OrganisationMembership(organisationID: organisationID, userID: try representative.requireID(), role: .representative).create(on: db)
            for document in [ProgrammeDocument.Kind.membershipRules, .valuesCharter] {
                let acceptance = OrganisationAcceptance()
                acceptance.$organisation.id = organisationID
                acceptance.document = document.rawValue
                acceptance.version = ProgrammeDocument.currentVersion(document)
                acceptance.acceptedBy = try representative.requireID()
                acceptance.acceptedAt = Date()
                acceptance.address = "seed"
                try await acceptance.create(on: db)
            }
            if index == 0 {
                let coordinator = try await person("Karolina Zawadzka", "karolina.zawadzka@\(domain)", born: "1991-10-10", in: "Gdańsk", .pomorskie)
                try await OrganisationMembership(organisationID: organisationID, userID: try coordinator.requireID(), role: .coordinator).create(on: db)
            }
        }
    }

    func assign(_ user: User, to partner: Partner) async throws {
        let assignment = PartnerOperator()
        assignment.$partner.id = try partner.requireID()
        assignment.$user.id = try user.requireID()
        assignment.createdAt = Date()
        try await assignment.create(on: db)
    }

    static let descriptions = [
        "Od 2009 roku wspieramy seniorów i osoby z niepełnosprawnościami w Trójmieście: robimy zakupy, towarzyszymy w wizytach u lekarza i organizujemy spotkania sąsiedzkie.\nSzukamy wolontariuszy na stałe dyżury i do akcji świątecznych.",
        "Łączymy mieszkańców Słupska wokół lokalnych inicjatyw: korepetycje dla dzieci, sprzątanie brzegów Słupi, festyny sąsiedzkie.",
        "Prowadzimy bezpłatne treningi piłki nożnej dla dzieci z krakowskich osiedli. Wolontariusze pomagają trenerom i przy turniejach.",
        "Ośrodek wspiera rodziny w trudnej sytuacji. Wolontariusze pomagają w świetlicach środowiskowych i w Klubie Seniora.",
        "Szkolne Koło Wolontariatu działa od 2015 roku. Uczniowie odwiedzają pobliski dom opieki i prowadzą zbiórki dla schroniska.",
        "Centrum prowadzi jadłodajnię, magazyn żywności i punkt pomocy uchodźcom. Zapraszamy wolontariuszy do wydawania posiłków.",
        "Nasi programiści uczą seniorów obsługi smartfonów i bankowości elektronicznej w bibliotekach Gdyni.",
        "Grupa sąsiedzka, która organizuje pomoc dla samotnych osób starszych na Mokotowie i wspólne porządki podwórek.",
        "Fundacja prowadzi zajęcia żeglarskie dla młodzieży z placówek opiekuńczych i dba o czystość plaż w Sopocie.",
        "Stowarzyszenie dba o dziedzictwo Ustki: oprowadza po mieście, opiekuje się latarnią i organizuje Dni Morza.",
    ]
}

/// Registry numbers for demo organisations that pass their checksums.
enum DemoNumbers {
    static func nip(seed: Int) -> String {
        var base = 584_000_000 + seed * 7919
        while true {
            let digits = String(base).compactMap { Int(String($0)) }
            let sum = zip([6, 5, 7, 2, 3, 4, 5, 6, 7], digits).reduce(0) { $0 + $1.0 * $1.1 }
            if sum % 11 != 10 { return String(base) + String(sum % 11) }
            base += 1
        }
    }

    static func regon(seed: Int) -> String {
        let base = 19_100_000 + seed * 3571
        let digits = String(base).compactMap { Int(String($0)) }
        let sum = zip([8, 9, 2, 3, 4, 5, 6, 7], digits).reduce(0) { $0 + $1.0 * $1.1 }
        return String(base) + String(sum % 11 == 10 ? 0 : sum % 11)
    }
}
