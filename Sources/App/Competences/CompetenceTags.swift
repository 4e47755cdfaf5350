import KorpusCore
import Vapor

/// Competence areas ticked on a form (`competence_<code>` checkboxes) — on hour entries, trainings, events
/// and certificates — and shown again by name.
enum CompetenceTags {
    struct Choice: Encodable {
        let code: String
        let name: String
        let checked: Bool
    }

    static func model(_ req: Request) -> CompetenceModel { CompetenceModel.current(from: req.application.competenceModels) }

    /// The codes of a stored list as they are ("care,teamwork"), of whichever model version wrote them.
    static func codes(_ stored: String?) -> [String] { (stored ?? "").split(separator: ",").map(String.init) }

    /// The codes ticked on a form, in the model's order, as stored (nil when none).
    static func chosen(_ form: FormState, _ req: Request) -> String? {
        CompetenceModel.stored(model(req).areas.map(\.code).filter { form.isChecked("competence_\($0)") })
    }

    /// Checkboxes of the model's areas, ticked as stored.
    static func choices(_ stored: String?, _ req: Request) -> [Choice] {
        let model = model(req)
        let chosen = model.areaCodes(stored)
        return model.areas.map { Choice(code: $0.code, name: req.t($0.nameKey), checked: chosen.contains($0.code)) }
    }

    /// Checkboxes ticked as a submitted form has them.
    static func choices(_ form: FormState, _ req: Request) -> [Choice] { choices(chosen(form, req), req) }

    /// "Komunikacja, Praca w zespole" (nil when none), in the language of `catalogue`.
    static func names(_ stored: String?, _ catalogue: Catalogue, models: [CompetenceModel]) -> String? {
        let model = CompetenceModel.current(from: models)
        let names = model.areaCodes(stored).compactMap(model.area).map { catalogue.text($0.nameKey) }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    static func names(_ stored: String?, _ req: Request) -> String? {
        names(stored, req.catalogue, models: req.application.competenceModels)
    }
}
