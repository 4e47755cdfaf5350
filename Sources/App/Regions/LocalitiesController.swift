import Fluent
import KorpusCore
import Vapor

/// The locality picker: a search page that works without JavaScript, and the JSON the script uses to
/// suggest names as one types.
struct LocalitiesController: RouteCollection {
    static let pageLimit = 50
    static let apiMaxLimit = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.localities.components, use: page).publicAccess()
        routes.get(APIPath.localities.components, use: apiSearch).publicAccess()
        routes.get(APIPath.voivodeships.components, use: apiVoivodeships).publicAccess()
    }

    /// The words and voivodeship of a search (localities, organisations), checked once for every list.
    struct SearchInput {
        let text: String
        let voivodeship: Voivodeship?

        /// Reads `q` and `wojewodztwo`/`voivodeship`; a query too long or an unknown voivodeship is refused.
        init(_ req: Request, voivodeshipParameter: String) throws {
            let text = (try? req.query.get(String.self, at: "q")) ?? ""
            guard text.count <= LocalityQuery.maxQueryLength else {
                throw LocalizedAbort(.badRequest, key: "localities.error.too_long", ["max": String(LocalityQuery.maxQueryLength)])
            }
            self.text = text
            let code = (try? req.query.get(String.self, at: voivodeshipParameter)) ?? ""
            if code.isEmpty {
                self.voivodeship = nil
            } else if let voivodeship = Voivodeship(terytCode: code) {
                self.voivodeship = voivodeship
            } else {
                throw LocalizedAbort(.badRequest, key: "localities.error.unknown_voivodeship")
            }
        }
    }

    struct Row: Encodable {
        let name: String
        let voivodeship: String
        let population: Int
    }

    struct Option: Encodable {
        let code: String
        let name: String
        let selected: Bool
    }

    /// The voivodeships as options of a select, in the request's language.
    static func voivodeshipOptions(_ req: Request, selected: String) -> [Option] {
        Voivodeship.allCases.map { Option(code: $0.terytCode, name: req.t($0.catalogueKey), selected: $0.terytCode == selected) }
    }

    struct PageContent: Encodable {
        let query: String
        let voivodeships: [Option]
        let searched: Bool
        let rows: [Row]
        let summary: String
        let error: String?
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let title = req.t("localities.title")
        let rawQuery = (try? req.query.get(String.self, at: "q")) ?? ""
        let rawCode = (try? req.query.get(String.self, at: "wojewodztwo")) ?? ""
        do {
            let input = try SearchInput(req, voivodeshipParameter: "wojewodztwo")
            let searched = !LocalityQuery.normalise(input.text).isEmpty
            let result = try await LocalityQuery.search(on: req.db, text: input.text, voivodeship: input.voivodeship, limit: Self.pageLimit)
            let rows = result.localities.map {
                Row(name: $0.name, voivodeship: req.t("voivodeship.\($0.voivodeshipCode)"), population: $0.population)
            }
            var summary = ""
            if searched {
                summary = req.catalogue.plural("localities.found", count: result.total)
                if result.total > rows.count {
                    summary += " " + req.t("localities.showing_first", ["count": String(rows.count)])
                }
            }
            let content = PageContent(
                query: input.text, voivodeships: Self.voivodeshipOptions(req, selected: input.voivodeship?.terytCode ?? ""),
                searched: searched, rows: rows, summary: summary, error: nil)
            return try await req.render("regions/localities", title: title, content).encodeResponse(for: req)
        } catch let error as LocalizedAbort {
            // The form stays on the page with the message beside it, so the person can correct the query.
            let shownQuery = String(rawQuery.prefix(LocalityQuery.maxQueryLength))
            let content = PageContent(
                query: shownQuery, voivodeships: Self.voivodeshipOptions(req, selected: rawCode), searched: false, rows: [], summary: "",
                error: req.t(error.key, error.arguments))
            return try await req.render("regions/localities", title: title, content)
                .encodeResponse(status: error.status, for: req)
        }
    }

    struct VoivodeshipDTO: Content {
        let code: String
        let name: String
    }

    struct LocalityDTO: Content {
        let id: Int
        let name: String
        let voivodeship: VoivodeshipDTO
        let latitude: Double
        let longitude: Double
        let population: Int
    }

    struct LocalityList: Content {
        let items: [LocalityDTO]
        let total: Int
    }

    @Sendable
    func apiSearch(req: Request) async throws -> LocalityList {
        let input = try SearchInput(req, voivodeshipParameter: "voivodeship")
        let limitText = (try? req.query.get(String.self, at: "limit")) ?? "10"
        guard let limit = Int(limitText), (1...Self.apiMaxLimit).contains(limit) else {
            throw LocalizedAbort(.badRequest, key: "api.error.limit", ["max": String(Self.apiMaxLimit)])
        }
        let result = try await LocalityQuery.search(on: req.db, text: input.text, voivodeship: input.voivodeship, limit: limit)
        let items = result.localities.map { record in
            LocalityDTO(
                id: record.id ?? 0, name: record.name,
                voivodeship: VoivodeshipDTO(code: record.voivodeshipCode, name: record.voivodeship?.polishName ?? ""),
                latitude: record.latitude, longitude: record.longitude, population: record.population)
        }
        return LocalityList(items: items, total: result.total)
    }

    @Sendable
    func apiVoivodeships(req: Request) async throws -> [VoivodeshipDTO] {
        Voivodeship.allCases.map { VoivodeshipDTO(code: $0.terytCode, name: $0.polishName) }
    }
}
