import Fluent
import KorpusCore
import Vapor

/// The registration form of an organisation, checked field by field.
struct OrganisationForm {
    static let maxLogoBytes = 512 * 1024

    /// A logo as uploaded: the bytes and what they really are, judged by their first bytes, not by the
    /// name or type the browser claims.
    struct Logo {
        let data: Data
        let mediaType: String
        let fileExtension: String

        static func detect(_ data: Data) -> Logo? {
            let bytes = [UInt8](data.prefix(12))
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
                return Logo(data: data, mediaType: "image/png", fileExtension: "png")
            }
            if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
                return Logo(data: data, mediaType: "image/jpeg", fileExtension: "jpg")
            }
            if bytes.count >= 12, bytes.starts(with: [0x52, 0x49, 0x46, 0x46]), Array(bytes[8..<12]) == [0x57, 0x45, 0x42, 0x50] {
                return Logo(data: data, mediaType: "image/webp", fileExtension: "webp")
            }
            return nil
        }
    }

    struct Upload: Decodable {
        let logo: File?
    }

    struct Checked {
        let organisation: Organisation
        let logo: Logo?
    }

    static func check(_ form: inout FormState, logoFile: File?, creator: UUID, _ req: Request) async throws -> Checked? {
        AccountValidation.name(&form, req)
        let kind = Organisation.Kind(rawValue: form.value("kind"))
        if kind == nil { form.fail("kind", req.t("organisation.error.kind")) }
        var krs: String?, nip: String?, regon: String?
        let krsText = form.value("krs"), nipText = form.value("nip"), regonText = form.value("regon")
        if !krsText.isEmpty || kind?.requiresKRS == true {
            if RegistryNumber.isValidKRS(krsText) { krs = RegistryNumber.normalised(krsText) } else {
                form.fail("krs", req.t(krsText.isEmpty ? "organisation.error.krs_required" : "organisation.error.krs"))
            }
        }
        if !nipText.isEmpty || kind?.requiresNIPAndREGON == true {
            if RegistryNumber.isValidNIP(nipText) { nip = RegistryNumber.normalised(nipText) } else {
                form.fail("nip", req.t(nipText.isEmpty ? "organisation.error.nip_required" : "organisation.error.nip"))
            }
        }
        if !regonText.isEmpty || kind?.requiresNIPAndREGON == true {
            if RegistryNumber.isValidREGON(regonText) { regon = RegistryNumber.normalised(regonText) } else {
                form.fail("regon", req.t(regonText.isEmpty ? "organisation.error.regon_required" : "organisation.error.regon"))
            }
        }
        if form.value("street").isEmpty { form.fail("street", req.t("form.error.required")) }
        let postal = form.value("postal_code")
        if !(postal.count == 6 && postal.enumerated().allSatisfy { $0.offset == 2 ? $0.element == "-" : $0.element.isNumber && $0.element.isASCII }) {
            form.fail("postal_code", req.t("organisation.error.postal_code"))
        }
        let locality = try await AccountValidation.locality(&form, req)
        let description = form.value("description")
        if description.count < 20 { form.fail("description", req.t("organisation.error.description_short")) }
        if description.count > 5000 { form.fail("description", req.t("form.error.too_long", ["max": "5000"])) }
        var website: String?
        let websiteText = form.value("website")
        if !websiteText.isEmpty {
            if let url = URL(string: websiteText), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil, websiteText.count <= 300 {
                website = websiteText
            } else {
                form.fail("website", req.t("organisation.error.website"))
            }
        }
        let contactEmail = AccountValidation.email(&form, field: "contact_email", req)
        let phone = AccountValidation.phone(&form, field: "contact_phone", req)
        if !form.isChecked("accept_rules") { form.fail("accept_rules", req.t("organisation.error.rules")) }
        if !form.isChecked("accept_charter") { form.fail("accept_charter", req.t("organisation.error.charter")) }
        var logo: Logo?
        if let logoFile, logoFile.data.readableBytes > 0 {
            if logoFile.data.readableBytes > maxLogoBytes {
                form.fail("logo", req.t("organisation.error.logo_size", ["max": "512 KB"]))
            } else if let detected = Logo.detect(Data(buffer: logoFile.data)) {
                logo = detected
            } else {
                form.fail("logo", req.t("organisation.error.logo_type"))
            }
        }
        guard form.isValid, let kind, let locality, let contactEmail, let localityID = locality.id else { return nil }
        let organisation = Organisation()
        organisation.name = form.value("name")
        organisation.kind = kind.rawValue
        organisation.krs = krs
        organisation.nip = nip
        organisation.regon = regon
        organisation.street = form.value("street")
        organisation.postalCode = postal
        organisation.localityID = localityID
        organisation.voivodeshipCode = locality.voivodeshipCode
        organisation.description = description
        organisation.website = website
        organisation.contactEmail = contactEmail
        organisation.contactPhone = phone
        organisation.status = Organisation.Status.pending.rawValue
        organisation.createdBy = creator
        return Checked(organisation: organisation, logo: logo)
    }

    static func kindOptions(_ req: Request, selected: String) -> [LocalitiesController.Option] {
        Organisation.Kind.allCases.map {
            LocalitiesController.Option(code: $0.rawValue, name: req.t("organisation.kind.\($0.rawValue)"), selected: $0.rawValue == selected)
        }
    }
}

extension Application {
    var uploadsFolder: URL {
        URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("uploads")
    }
}
