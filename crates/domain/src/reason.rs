//! Every reason a request can be refused for, in one table: its stable
//! code (snake_case, what API clients test), the values it names, and its
//! message in Vietnamese and in English. A reason cannot be added without
//! both texts (the macro requires them); the test below checks that each
//! text names exactly the reason's values and that the Vietnamese text
//! reads as Vietnamese (no English codes: a choice among coded values is
//! a `Vec<Term>` argument, shown by its labels).
//!
//! To add one: a line in the right section, `Variant(code) { arg: Type }
//! vi "… {arg} …" en "… {arg} …";`, then `DomainError::new(field,
//! Reason::Variant { arg })` (or `ApiError::invalid` in the web layer).
//! Argument types are those with an `Into<Arg>`: numbers, `String`,
//! `NaiveDate`, `Term`, `Vec<Term>`, `Box<Reason>`.

use chrono::NaiveDate;

use crate::error::{Arg, Language, Term};

/// One row of the table, for tests and documentation.
#[derive(Debug, Clone, Copy)]
pub struct ReasonSpec {
    pub code: &'static str,
    pub args: &'static [&'static str],
    pub vi: &'static str,
    pub en: &'static str,
}

macro_rules! reasons {
    ($(
        $(#[$meta:meta])*
        $variant:ident ($code:ident) $({ $($arg:ident : $ty:ty),* $(,)? })?
            vi $vi:literal
            en $en:literal;
    )*) => {
        /// Why a request was refused (see the module's documentation).
        #[derive(Debug, Clone, PartialEq)]
        pub enum Reason {
            $($(#[$meta])* $variant $({ $($arg: $ty),* })?,)*
        }

        impl Reason {
            /// Every reason: its code, argument names and texts.
            pub const ALL: &'static [ReasonSpec] = &[$(ReasonSpec {
                code: stringify!($code),
                args: &[$($(stringify!($arg)),*)?],
                vi: $vi,
                en: $en,
            }),*];

            /// The stable, machine-readable reason.
            pub fn code(&self) -> &'static str {
                match self {
                    $(Reason::$variant { .. } => stringify!($code),)*
                }
            }

            /// The message template in `lang`, with `{arg}` placeholders.
            pub fn template(&self, lang: Language) -> &'static str {
                match (self, lang) {
                    $(
                        (Reason::$variant { .. }, Language::Vi) => $vi,
                        (Reason::$variant { .. }, Language::En) => $en,
                    )*
                }
            }

            /// The values the reason names, by name.
            pub fn args(&self) -> Vec<(&'static str, Arg)> {
                match self {
                    $(
                        #[allow(unused_variables)]
                        Reason::$variant { $($($arg,)*)? .. } => vec![
                            $($((stringify!($arg), Arg::from($arg.clone())),)*)?
                        ],
                    )*
                }
            }
        }
    };
}

reasons! {
    // ---- any input -----------------------------------------------------
    /// A date in the API form.
    DateInvalid(date_invalid) { min_year: i32, max_year: i32 }
        vi "ngày không hợp lệ, cần dạng YYYY-MM-DD (năm {min_year}-{max_year})"
        en "not a valid date: use YYYY-MM-DD (years {min_year}-{max_year})";
    /// A date as typed in a file.
    DateInvalidVn(date_invalid_vn) { min_year: i32, max_year: i32 }
        vi "ngày không hợp lệ, cần dạng dd/mm/yyyy hoặc YYYY-MM-DD (năm {min_year}-{max_year})"
        en "not a valid date: use dd/mm/yyyy or YYYY-MM-DD (years {min_year}-{max_year})";
    PageInvalid(page_invalid)
        vi "số trang phải là số nguyên từ 1"
        en "the page must be a whole number from 1";
    PerPageInvalid(per_page_invalid) { max: u32 }
        vi "số dòng mỗi trang phải từ 1 đến {max}"
        en "rows per page must be from 1 to {max}";
    Required(required)
        vi "không được để trống"
        en "must not be empty";
    RequiredEntry(required_entry)
        vi "cần nhập"
        en "required";
    TooLong(too_long) { max: usize }
        vi "dài quá {max} ký tự"
        en "longer than {max} characters";
    ControlCharacters(control_characters)
        vi "chứa ký tự điều khiển"
        en "contains control characters";
    TextInvalid(text_invalid) { max: usize }
        vi "tối đa {max} ký tự, không có ký tự điều khiển"
        en "at most {max} characters, without control characters";
    AtMostChars(at_most_chars) { max: usize }
        vi "tối đa {max} ký tự"
        en "at most {max} characters";
    CountOutOfRange(count_out_of_range) { max: i64 }
        vi "phải là số nguyên từ 0 đến {max}"
        en "must be a whole number from 0 to {max}";
    NumberInvalid(number_invalid) { text: String }
        vi "không phải một số: «{text}»"
        en "not a number: «{text}»";
    IntegerExpected(integer_expected)
        vi "cần một số nguyên"
        en "a whole number is required";
    BooleanExpected(boolean_expected)
        vi "cần đúng (true) hoặc sai (false)"
        en "true or false is required";
    DecimalExpected(decimal_expected)
        vi "cần một số thập phân"
        en "a decimal number is required";
    ValueInvalid(value_invalid)
        vi "giá trị không hợp lệ"
        en "invalid value";

    // ---- org units -----------------------------------------------------
    LevelUnknown(level_unknown) { allowed: Vec<Term> }
        vi "cấp không hợp lệ: cần {allowed}"
        en "unknown level: use {allowed}";
    UnitTextUnknown(unit_text_unknown) { text: String }
        vi "không tìm thấy đơn vị «{text}» trong phạm vi của bạn: gõ vài chữ của tên rồi chọn trong danh sách gợi ý, hoặc ghi mã đơn vị hành chính"
        en "no unit «{text}» in your scope: type part of its name and pick a suggestion, or give its administrative code";
    UnitTextAmbiguous(unit_text_ambiguous) { text: String, candidates: String }
        vi "có nhiều nơi tên «{text}»: {candidates}. Chọn một trong danh sách gợi ý, hoặc ghi thêm tên cấp trên sau dấu phẩy"
        en "several match «{text}»: {candidates}. Pick one of the suggestions, or add its parent's name after a comma";
    ModelTextUnknown(model_text_unknown) { text: String }
        vi "không tìm thấy mô hình «{text}» trong phạm vi của bạn: gõ vài chữ của tên rồi chọn trong danh sách gợi ý"
        en "no model «{text}» in your scope: type part of its name and pick a suggestion";
    KindUnknown(kind_unknown)
        vi "loại đơn vị không hợp lệ"
        en "unknown kind of unit";
    NameEmpty(name_empty)
        vi "tên không được để trống"
        en "the name must not be empty";
    NameTooLong(name_too_long) { max: usize }
        vi "tên dài quá {max} ký tự"
        en "the name is longer than {max} characters";
    NameControlCharacters(name_control_characters)
        vi "tên chứa ký tự điều khiển"
        en "the name contains control characters";
    LongitudeMissing(longitude_missing)
        vi "cần nhập cả kinh độ"
        en "the longitude is needed too";
    LatitudeMissing(latitude_missing)
        vi "cần nhập cả vĩ độ"
        en "the latitude is needed too";
    LatitudeOutOfRange(latitude_out_of_range) { min: i64, max: i64 }
        vi "vĩ độ phải trong khoảng {min} đến {max}"
        en "the latitude must be between {min} and {max}";
    LongitudeOutOfRange(longitude_out_of_range) { min: i64, max: i64 }
        vi "kinh độ phải trong khoảng {min} đến {max}"
        en "the longitude must be between {min} and {max}";
    AddressTooLong(address_too_long) { max: usize }
        vi "địa chỉ dài quá {max} ký tự"
        en "the address is longer than {max} characters";
    AddressControlCharacters(address_control_characters)
        vi "địa chỉ chứa ký tự điều khiển"
        en "the address contains control characters";
    LevelNotUserManaged(level_not_user_managed) { allowed: Vec<Term> }
        vi "chỉ được thêm {allowed}"
        en "only these can be added: {allowed}";
    KindMismatch(kind_mismatch)
        vi "loại không phù hợp với cấp đơn vị"
        en "the kind does not fit the level of the unit";
    ParentNotFound(parent_not_found)
        vi "không tìm thấy đơn vị cấp trên"
        en "the parent unit was not found";
    ParentLevelInvalid(parent_level_invalid)
        vi "thôn/tổ dân phố phải thuộc xã/phường; cơ sở phải thuộc xã/phường hoặc thôn"
        en "a village must be under a commune; a site under a commune or a village";
    ParentEnded(parent_ended)
        vi "đơn vị cấp trên đã kết thúc; hãy thêm vào đơn vị đang hiệu lực"
        en "the parent unit has ended; add to a unit that still exists";
    StartsBeforeParent(starts_before_parent)
        vi "ngày bắt đầu sớm hơn ngày bắt đầu của đơn vị cấp trên"
        en "the start date is before the parent unit's start";
    NationalUnitReadOnly(national_unit_read_only) { command: String }
        vi "đơn vị hành chính quốc gia không sửa được ở đây; dùng lệnh {command}"
        en "national administrative units are not edited here; use the command {command}";
    VillageKindInvalid(village_kind_invalid)
        vi "loại thôn/tổ dân phố không hợp lệ"
        en "not a kind of village";
    OnlyVillagesReorganise(only_villages_reorganise)
        vi "chỉ gộp hoặc chia được thôn/tổ dân phố"
        en "only villages can be merged or split";
    UnitAlreadyEnded(unit_already_ended) { name: String }
        vi "{name} đã kết thúc, không gộp/chia được nữa"
        en "{name} has ended and can no longer be merged or split";
    DateNotAfterStart(date_not_after_start) { name: String }
        vi "ngày hiệu lực phải sau ngày bắt đầu của {name}"
        en "the date must be after {name} began";
    MergeNeedsTwo(merge_needs_two)
        vi "cần ít nhất hai thôn khác nhau để gộp"
        en "a merge needs at least two different villages";
    MergeSourcesNotFound(merge_sources_not_found)
        vi "không tìm thấy thôn cần gộp"
        en "a village to merge was not found";
    MergeDifferentCommunes(merge_different_communes)
        vi "các thôn cần gộp phải cùng một xã/phường"
        en "the villages to merge must be in the same commune";
    SplitSourceNotFound(split_source_not_found)
        vi "không tìm thấy thôn cần chia"
        en "the village to split was not found";
    SplitNeedsTwo(split_needs_two)
        vi "cần ít nhất hai thôn mới khi chia"
        en "a split needs at least two new villages";
    SplitTooMany(split_too_many) { max: usize }
        vi "chia tối đa {max} thôn mới"
        en "a split makes at most {max} new villages";
    DefaultPartMissing(default_part_missing)
        vi "phần mặc định không tồn tại"
        en "the default part does not exist";
    VillageWithoutCommune(village_without_commune)
        vi "thôn không có xã/phường"
        en "the village has no commune";
    EffectiveDateFuture(effective_date_future)
        vi "ngày hiệu lực không được ở tương lai"
        en "the date cannot be in the future";
    CommuneEnded(commune_ended)
        vi "xã/phường của các thôn đã kết thúc"
        en "the villages' commune has ended";
    DateBeforeCommune(date_before_commune)
        vi "ngày hiệu lực sớm hơn ngày thành lập của xã/phường"
        en "the date is before the commune was established";
    UnitEnded(unit_ended) { id: i64 }
        vi "đơn vị {id} đã kết thúc"
        en "unit {id} has ended";

    // ---- accounts ------------------------------------------------------
    RoleUnknown(role_unknown) { allowed: Vec<Term> }
        vi "vai trò phải là {allowed}"
        en "the role must be {allowed}";
    PasswordTooShort(password_too_short) { min: usize }
        vi "mật khẩu cần ít nhất {min} ký tự"
        en "the password needs at least {min} characters";
    PasswordTooLong(password_too_long) { max: usize }
        vi "mật khẩu dài quá {max} ký tự"
        en "the password is longer than {max} characters";
    PasswordCommon(password_common)
        vi "mật khẩu quá phổ biến, hãy chọn mật khẩu khác"
        en "this password is too common; choose another";
    PasswordHashFailed(password_hash_failed)
        vi "không tạo được mã băm mật khẩu"
        en "the password could not be hashed";
    UsernameInvalid(username_invalid)
        vi "tên đăng nhập gồm 3-64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang"
        en "a username has 3-64 characters: lower-case letters without diacritics, digits, dot, underscore, hyphen";
    UsernameTaken(username_taken) { username: String }
        vi "tên đăng nhập {username} đã có"
        en "the username {username} is taken";
    OwnPasswordReset(own_password_reset)
        vi "đổi mật khẩu của mình ở trang tài khoản (cần mật khẩu hiện tại)"
        en "change your own password on the account page (it asks for the current one)";
    OwnAdminRole(own_admin_role)
        vi "không tự bỏ quyền quản trị của mình"
        en "you cannot give up your own administrator role";
    OwnAccountDisable(own_account_disable)
        vi "không tự khóa tài khoản của mình"
        en "you cannot disable your own account";
    DisplayNameInvalid(display_name_invalid)
        vi "họ tên gồm 1 đến 100 ký tự"
        en "the full name has 1 to 100 characters";
    ScopeRequired(scope_required)
        vi "vai trò này cần ít nhất một đơn vị phạm vi"
        en "this role needs at least one unit in its scope";
    ScopeTooMany(scope_too_many) { max: usize }
        vi "tối đa {max} đơn vị phạm vi"
        en "at most {max} units in a scope";
    TwoFactorNotStarted(two_factor_not_started)
        vi "chưa bắt đầu cài đặt xác thực hai lớp"
        en "two-factor setup has not been started";

    // ---- models --------------------------------------------------------
    SectorUnknown(sector_unknown)
        vi "lĩnh vực không hợp lệ"
        en "unknown field of the movement";
    TargetUnknown(target_unknown) { given: String }
        vi "nơi áp dụng không hợp lệ: {given}"
        en "unknown kind of place: {given}";
    TargetsEmpty(targets_empty)
        vi "cần chọn ít nhất một nơi áp dụng"
        en "choose at least one kind of place";
    TagsTooMany(tags_too_many) { max: usize }
        vi "tối đa {max} phong trào gắn kết"
        en "at most {max} related movements";
    TypeCodeInvalid(type_code_invalid)
        vi "mã loại gồm 2-40 chữ thường không dấu, chữ số hoặc dấu _"
        en "a type code has 2-40 lower-case letters without diacritics, digits or _";
    TypeCodeFixed(type_code_fixed)
        vi "không được đổi mã loại"
        en "the type code cannot change";
    TypeCodeTaken(type_code_taken) { code: String }
        vi "mã loại {code} đã có"
        en "the type code {code} is taken";
    /// A province's type at a unit of another province, or a national
    /// type the unit's province hid.
    TypeNotUsedHere(type_not_used_here)
        vi "loại mô hình này không dùng ở đơn vị đã chọn (thuộc danh mục của tỉnh khác, hoặc tỉnh đã ẩn)"
        en "this model type is not used at the chosen unit (another province's, or hidden by its province)";
    /// A province's staff changing a national entry.
    NationalEntry(national_entry)
        vi "mục này thuộc danh mục quốc gia: chỉ quản trị viên sửa được; tỉnh có thể ẩn mục này"
        en "this entry is in the national catalogue: only administrators change it; a province may hide it";
    OnlyNationalHidden(only_national_hidden)
        vi "chỉ ẩn được mục của danh mục quốc gia; mục của tỉnh thì cho thôi dùng"
        en "only national entries can be hidden; retire a province's own entry instead";
    /// A province's entry used in another catalogue's entry (another
    /// province's set, a national set's list, a national rule).
    OtherOwnersEntry(other_owners_entry)
        vi "không dùng được mục của danh mục khác ở đây: bộ báo cáo quốc gia chỉ gồm chỉ tiêu quốc gia (tỉnh thêm chỉ tiêu của mình khi tạo chỉ tiêu), bộ báo cáo của tỉnh chỉ gồm chỉ tiêu của tỉnh đó"
        en "an entry of another catalogue cannot be used here: a national data set lists national indicators (a province adds its own when it creates them), a province's data set its own";
    /// A province's indicator or data set at a unit of another province,
    /// or a national one the unit's province hid.
    IndicatorNotUsedHere(indicator_not_used_here) { indicator: String }
        vi "chỉ tiêu {indicator} không dùng ở đơn vị này (thuộc danh mục của tỉnh khác, hoặc tỉnh đã ẩn)"
        en "indicator {indicator} is not used at this unit (another province's, or hidden by its province)";
    OwnerFixed(owner_fixed)
        vi "không đổi được danh mục sở hữu của một mục đã có"
        en "an existing entry keeps its owner";
    OwnerNotProvince(owner_not_province)
        vi "đơn vị sở hữu phải là một tỉnh, thành phố hiện hành"
        en "the owner must be a current province";
    /// Someone working in several provinces adds an entry without saying whose.
    OwnerProvinceRequired(owner_province_required)
        vi "cần chọn tỉnh sở hữu mục này"
        en "choose the province this entry belongs to";
    /// A field or kind of place the catalogue does not hold, or holds for
    /// another province.
    FieldNotInCatalogue(field_not_in_catalogue) { given: String, allowed: String }
        vi "không có lĩnh vực «{given}» trong danh mục dùng được ở đây; chọn một trong: {allowed}"
        en "the field «{given}» is not in the catalogue used here; choose one of: {allowed}";
    PlaceKindNotInCatalogue(place_kind_not_in_catalogue) { given: String, allowed: String }
        vi "không có loại nơi «{given}» trong danh mục dùng được ở đây; chọn một trong: {allowed}"
        en "the kind of place «{given}» is not in the catalogue used here; choose one of: {allowed}";
    VocabularyCodeTaken(vocabulary_code_taken) { code: String }
        vi "mã {code} đã có trong danh mục (của cả nước hoặc của một tỉnh); đặt mã khác"
        en "the code {code} is taken (nationally or by a province); choose another";
    VocabularyCodeReserved(vocabulary_code_reserved) { code: String }
        vi "mã {code} là tên một cấp hoặc loại đơn vị hành chính; đặt mã khác"
        en "the code {code} names a level or kind of administrative unit; choose another";
    VocabularyCodeInvalid(vocabulary_code_invalid)
        vi "mã gồm tối đa 32 chữ thường không dấu, chữ số hoặc dấu _, bắt đầu bằng chữ"
        en "a code has at most 32 lower-case letters without diacritics, digits or _, starting with a letter";
    VocabularyCodeFixed(vocabulary_code_fixed)
        vi "không đổi được mã; chỉ đổi tên"
        en "the code cannot change; only the name can";
    VocabularyNameTaken(vocabulary_name_taken) { name: String }
        vi "tên «{name}» đã có trong danh mục dùng được ở đây"
        en "the name «{name}» is already in the catalogue used here";
    SectorRequired(sector_required)
        vi "cần chọn lĩnh vực"
        en "choose a field of the movement";
    TargetsRequired(targets_required)
        vi "cần chọn nơi áp dụng"
        en "choose where the type applies";
    StatusUnknown(status_unknown) { allowed: Vec<Term> }
        vi "trạng thái phải là {allowed}"
        en "the status must be {allowed}";
    StatusChangeNotAllowed(status_change_not_allowed) { from: Term, to: Term }
        vi "không thể chuyển từ \"{from}\" sang \"{to}\""
        en "cannot change from \"{from}\" to \"{to}\"";
    ChangeDateFuture(change_date_future)
        vi "ngày thay đổi không được ở tương lai"
        en "the date of the change cannot be in the future";
    ChangeDateNotAfterLast(change_date_not_after_last) { last: NaiveDate }
        vi "phải sau lần thay đổi trước ({last})"
        en "must be after the previous change ({last})";
    StatusChangedMeanwhile(status_changed_meanwhile)
        vi "trạng thái đã được người khác thay đổi; tải lại trang"
        en "someone else changed the status meanwhile; reload the page";
    RatingUnknown(rating_unknown) { allowed: Vec<Term> }
        vi "xếp loại phải là {allowed}"
        en "the rating must be {allowed}";
    RatingYearRequired(rating_year_required)
        vi "cần năm xếp loại"
        en "the year rated is required";
    RatingYearOutOfRange(rating_year_out_of_range) { founded: i32, current: i32 }
        vi "năm xếp loại phải từ {founded} (năm thành lập) đến {current}"
        en "the year rated must be from {founded} (the founding year) to {current}";
    RatedOnInvalid(rated_on_invalid)
        vi "ngày xếp loại phải trong hoặc sau năm được xếp loại, không ở tương lai"
        en "the rating date must be in or after the year rated, not in the future";
    ActivityKindUnknown(activity_kind_unknown) { allowed: Vec<Term> }
        vi "loại hoạt động phải là {allowed}"
        en "the kind of activity must be {allowed}";
    ActivityDateOutOfRange(activity_date_out_of_range)
        vi "ngày hoạt động phải từ ngày thành lập đến hôm nay"
        en "the activity date must be between the founding date and today";
    ModelTypeNotFound(model_type_not_found)
        vi "không tìm thấy loại mô hình"
        en "the model type was not found";
    ModelTypeGone(model_type_gone)
        vi "loại mô hình không còn"
        en "the model type no longer exists";
    UnitNotFound(unit_not_found)
        vi "không tìm thấy đơn vị"
        en "the unit was not found";
    FoundedInFuture(founded_in_future)
        vi "ngày thành lập ở tương lai"
        en "the founding date is in the future";
    DecisionDateFuture(decision_date_future)
        vi "ngày quyết định ở tương lai"
        en "the decision date is in the future";
    ModelTypeRetired(model_type_retired)
        vi "loại mô hình đã ngừng áp dụng"
        en "the model type is retired";
    TypeDoesNotFit(type_does_not_fit) { type_name: String, targets: String }
        vi "loại \"{type_name}\" không áp dụng cho đơn vị này (áp dụng cho: {targets})"
        en "the type \"{type_name}\" does not apply to this unit (it applies to: {targets})";
    UnitNotOnFoundingDay(unit_not_on_founding_day)
        vi "đơn vị không tồn tại vào ngày thành lập; chọn đơn vị hành chính tại thời điểm đó"
        en "the unit did not exist on the founding date; choose the unit of that time";
    ExemplarNotFound(exemplar_not_found)
        vi "không tìm thấy mô hình điển hình"
        en "the exemplary model was not found";
    NotExemplar(not_exemplar)
        vi "mô hình này chưa được công nhận điển hình tiên tiến"
        en "this model has not been recognised as an exemplar";
    ExemplarFoundedLater(exemplar_founded_later)
        vi "mô hình điển hình phải thành lập trước mô hình nhân rộng"
        en "the exemplar must have been founded before the model copying it";
    ReplicationCycle(replication_cycle)
        vi "không thể nhân rộng từ chính mô hình này hoặc từ bản nhân rộng của nó"
        en "a model cannot copy itself or one of its own copies";
    FoundingAfterFirstChange(founding_after_first_change)
        vi "ngày thành lập phải trước lần đổi trạng thái đầu tiên"
        en "the founding date must be before the first status change";
    ModelUnitFixed(model_unit_fixed)
        vi "không được đổi đơn vị của mô hình"
        en "a model's unit cannot change";
    ModelDuplicate(model_duplicate)
        vi "đã có mô hình cùng loại, cùng tên tại đơn vị này"
        en "this unit already has a model of this type with this name";

    // ---- statistics ----------------------------------------------------
    PeriodTypeUnknown(period_type_unknown) { allowed: Vec<Term> }
        vi "loại kỳ không hợp lệ: cần {allowed}"
        en "unknown period type: use {allowed}";
    CalendarUnknown(calendar_unknown) { allowed: Vec<Term> }
        vi "lịch kỳ báo cáo không hợp lệ: cần {allowed}"
        en "unknown reporting calendar: use {allowed}";
    PeriodInvalid(period_invalid) { given: String, min_year: i32, max_year: i32 }
        vi "kỳ không hợp lệ: «{given}», cần dạng 2022-03 (tháng), 2022-Q1 (quý), 2022-H1 (6 tháng) hoặc 2022 (năm), năm {min_year}-{max_year}"
        en "not a valid period: «{given}»; use 2022-03 (month), 2022-Q1 (quarter), 2022-H1 (half year) or 2022 (year), years {min_year}-{max_year}";
    ValueUnitUnknown(value_unit_unknown) { allowed: Vec<Term> }
        vi "đơn vị tính không hợp lệ: cần {allowed}"
        en "unknown unit of measure: use {allowed}";
    AggregationUnknown(aggregation_unknown) { allowed: Vec<Term> }
        vi "cách tổng hợp không hợp lệ: cần {allowed}"
        en "unknown aggregation: use {allowed}";
    SeverityUnknown(severity_unknown) { allowed: Vec<Term> }
        vi "mức độ không hợp lệ: cần {allowed}"
        en "unknown severity: use {allowed}";
    ValueNegative(value_negative) { indicator: String }
        vi "chỉ tiêu {indicator} không nhận số âm"
        en "indicator {indicator} takes no negative values";
    ValueNotWhole(value_not_whole) { indicator: String }
        vi "chỉ tiêu {indicator} đếm số lượng: cần số nguyên"
        en "indicator {indicator} is a count: a whole number is required";
    ValueNotPercent(value_not_percent) { indicator: String }
        vi "chỉ tiêu {indicator} là tỷ lệ phần trăm: từ 0 đến 100"
        en "indicator {indicator} is a percentage: from 0 to 100";
    CodeInvalid(code_invalid) { max: usize }
        vi "mã chỉ được dùng chữ thường không dấu, số và «_», bắt đầu bằng chữ, tối đa {max} ký tự"
        en "a code uses only lower-case letters without diacritics, digits and «_», starts with a letter, at most {max} characters";
    BoundInvalid(bound_invalid)
        vi "giới hạn không hợp lệ"
        en "invalid bound";
    MaxBelowMin(max_below_min)
        vi "mức tối đa nhỏ hơn mức tối thiểu"
        en "the maximum is below the minimum";
    DeadlineTooLong(deadline_too_long) { max: u32 }
        vi "tối đa {max} ngày"
        en "at most {max} days";
    DeadlineInvalid(deadline_invalid)
        vi "cần một số ngày (số nguyên không âm)"
        en "a number of days is required (a whole number, not negative)";
    IndicatorTwice(indicator_twice) { indicator: String }
        vi "chỉ tiêu {indicator} có hai lần"
        en "indicator {indicator} is listed twice";
    IndicatorCount(indicator_count) { max: usize }
        vi "cần từ 1 đến {max} chỉ tiêu"
        en "from 1 to {max} indicators are required";
    SharesNotSplit(shares_not_split)
        vi "chỉ chia số liệu của đơn vị đã tách thành nhiều đơn vị"
        en "only the figures of a unit split into several are divided";
    ShareNotSuccessor(share_not_successor) { unit: i64 }
        vi "đơn vị {unit} không kế thừa đơn vị này"
        en "unit {unit} is not a successor of this unit";
    ShareTwice(share_twice) { unit: i64 }
        vi "đơn vị {unit} có hai lần"
        en "unit {unit} is listed twice";
    ShareOutOfRange(share_out_of_range)
        vi "mỗi tỷ lệ phải lớn hơn 0 và không quá 1 (100%)"
        en "each share must be above 0 and at most 1 (100%)";
    SharesTotal(shares_total) { total: f64 }
        vi "các tỷ lệ cộng lại phải bằng 100% (đang là {total}%)"
        en "the shares must add up to 100% (they add up to {total}%)";
    RuleLength(rule_length) { max: usize }
        vi "biểu thức cần có, tối đa {max} ký tự"
        en "an expression is required, at most {max} characters";
    RuleBang(rule_bang)
        vi "dấu «!» chỉ dùng trong «!=»"
        en "«!» is only used in «!=»";
    RuleNumber(rule_number) { text: String }
        vi "số không hợp lệ: «{text}»"
        en "not a valid number: «{text}»";
    RuleCharacter(rule_character) { character: String }
        vi "ký tự không dùng được trong biểu thức: «{character}»"
        en "character not allowed in an expression: «{character}»";
    RuleComparison(rule_comparison)
        vi "cần một phép so sánh: <, <=, >, >=, == hoặc !="
        en "a comparison is required: <, <=, >, >=, == or !=";
    RuleTrailing(rule_trailing)
        vi "thừa phần sau biểu thức (chỉ một phép so sánh)"
        en "something follows the expression (only one comparison is allowed)";
    RuleTooDeep(rule_too_deep)
        vi "biểu thức lồng quá sâu"
        en "the expression is nested too deeply";
    RuleParenthesis(rule_parenthesis)
        vi "thiếu dấu «)»"
        en "«)» is missing";
    RuleOperand(rule_operand)
        vi "cần một số, một mã chỉ tiêu hoặc «(»"
        en "a number, an indicator code or «(» is required";
    ApprovalLevelNotAbove(approval_level_not_above) { level: Term }
        vi "cấp duyệt {level} phải ở trên cấp nhập số liệu"
        en "the approving level {level} must be above the entering level";
    ApprovalLevelsOrder(approval_levels_order)
        vi "các cấp duyệt xếp từ thấp lên cao, không lặp"
        en "approving levels go from lowest to highest, without repeats";
    ApprovalLevelsEmpty(approval_levels_empty)
        vi "cần ít nhất một cấp duyệt"
        en "at least one approving level is required";
    AlreadyFullyApproved(already_fully_approved)
        vi "số liệu đã được duyệt ở cấp cao nhất"
        en "the figures are already approved at the highest level";
    NotApproverHere(not_approver_here)
        vi "bạn không có quyền duyệt ở cấp này"
        en "you may not approve at this level";
    ReturnAfterFinal(return_after_final)
        vi "số liệu đã duyệt xong: cần hủy duyệt trước khi trả lại"
        en "the figures are fully approved: un-approve them before returning them";
    NotReturnerHere(not_returner_here)
        vi "bạn không có quyền trả lại ở cấp này"
        en "you may not return figures at this level";
    UnapproveOwnLevel(unapprove_own_level)
        vi "chỉ cấp đã duyệt mới được hủy duyệt"
        en "only the level that approved may un-approve";
    WithdrawByApprover(withdraw_by_approver)
        vi "người duyệt không rút lại báo cáo: hãy trả lại kèm lý do để đơn vị sửa"
        en "an approver does not withdraw a report: return it with a reason for the unit to fix";
    NotEnterer(not_enterer)
        vi "bạn không có quyền nộp số liệu của đơn vị này"
        en "you may not submit this unit's figures";
    ApprovalStep(approval_step) { action: Term, state: Term }
        vi "không thể {action} khi số liệu đang ở trạng thái {state}"
        en "cannot {action} figures that are {state}";
    ApprovalActionUnknown(approval_action_unknown) { allowed: Vec<Term> }
        vi "thao tác không hợp lệ: cần {allowed}"
        en "unknown action: use {allowed}";
    ApprovalReasonRequired(approval_reason_required)
        vi "cần ghi lý do"
        en "a reason is required";
    IndicatorUnknown(indicator_unknown) { indicator: String }
        vi "không có chỉ tiêu mã «{indicator}»"
        en "there is no indicator with the code «{indicator}»";
    IndicatorWithoutSet(indicator_without_set) { indicator: String }
        vi "chỉ tiêu {indicator} chưa thuộc bộ số liệu nào"
        en "indicator {indicator} belongs to no data set";
    ComputedUnknown(computed_unknown) { allowed: Vec<Term> }
        vi "nguồn tính tự động không hợp lệ: cần {allowed}"
        en "unknown computed source: use {allowed}";
    ComputedMismatch(computed_mismatch) { source: Term, aggregation: Term }
        vi "chỉ tiêu tính từ {source} phải đếm số lượng và tổng hợp theo cách {aggregation}"
        en "an indicator computed from {source} must be a count aggregated as {aggregation}";
    ValueComputed(value_computed) { indicator: String, source: Term }
        vi "chỉ tiêu {indicator} được tính tự động ({source}), không nhập tay: số liệu được lưu khi gửi báo cáo"
        en "indicator {indicator} is computed ({source}), not typed: its figure is stored when the report is submitted";
    IndicatorRetired(indicator_retired) { indicator: String }
        vi "chỉ tiêu {indicator} đã ngừng thu thập"
        en "indicator {indicator} is no longer collected";
    UnitNotInScope(unit_not_in_scope) { unit: i64 }
        vi "không có đơn vị {unit} trong phạm vi của bạn"
        en "there is no unit {unit} in your scope";
    UnitDoesNotEnter(unit_does_not_enter) { unit: String, data_set: String }
        vi "{unit} không phải đơn vị nhập bộ số liệu {data_set}"
        en "{unit} does not enter the data set {data_set}";
    PeriodOfOtherType(period_of_other_type) { data_set: String, period_type: Term, period: String }
        vi "bộ số liệu {data_set} nhập theo {period_type}, không theo kỳ {period}"
        en "the data set {data_set} is entered by {period_type}, not for the period {period}";
    PeriodNotBegun(period_not_begun) { period: String }
        vi "kỳ {period} chưa bắt đầu"
        en "the period {period} has not begun";
    UnitNotInPeriod(unit_not_in_period) { unit: String, period: String }
        vi "{unit} không tồn tại trong kỳ {period}"
        en "{unit} did not exist during the period {period}";
    ValueTwice(value_twice) { indicator: String, unit: String, period: String }
        vi "chỉ tiêu {indicator} của đơn vị {unit} kỳ {period} có hai lần"
        en "indicator {indicator} of {unit} for {period} is given twice";
    FormClosed(form_closed) { period: String, unit: String }
        vi "số liệu kỳ {period} của {unit} đã nộp hoặc đã duyệt: không sửa được"
        en "the figures of {unit} for {period} are submitted or approved and cannot change";
    ValueAt(value_at) { n: usize, problem: Box<Reason> }
        vi "giá trị thứ {n}: {problem}"
        en "value {n}: {problem}";
    ValueCount(value_count) { max: usize }
        vi "cần từ 1 đến {max} giá trị"
        en "from 1 to {max} values are required";
    IndicatorValue(indicator_value) { indicator: String, problem: Box<Reason> }
        vi "{indicator}: {problem}"
        en "{indicator}: {problem}";
    NothingToSubmit(nothing_to_submit)
        vi "chưa có số liệu nào để nộp"
        en "there are no figures to submit yet";
    SubmitBlocked(submit_blocked) { problem: String }
        vi "chưa nộp được: {problem}"
        en "cannot submit yet: {problem}";
    SubmitNeedsComment(submit_needs_comment) { problem: String }
        vi "chưa nộp được: {problem} (cần ghi chú giải thích ở một trong các chỉ tiêu liên quan)"
        en "cannot submit yet: {problem} (explain it in a comment on one of the indicators involved)";
    IndicatorCodeFixed(indicator_code_fixed)
        vi "mã chỉ tiêu không đổi được"
        en "an indicator's code cannot change";
    IndicatorCodeTaken(indicator_code_taken) { code: String }
        vi "mã chỉ tiêu {code} đã có"
        en "the indicator code {code} is taken";
    AggregationFixed(aggregation_fixed)
        vi "chỉ tiêu đã có số liệu: không đổi được cách tổng hợp"
        en "the indicator has figures: its aggregation cannot change";
    IndicatorInOtherSet(indicator_in_other_set) { indicator: String }
        vi "chỉ tiêu {indicator} đã thuộc một bộ số liệu khác: mỗi chỉ tiêu chỉ thu thập qua một bộ"
        en "indicator {indicator} already belongs to another data set: each indicator is collected through one set";
    IndicatorWithFiguresKept(indicator_with_figures_kept)
        vi "không bỏ được chỉ tiêu đã có số liệu khỏi bộ số liệu (có thể ngừng sử dụng chỉ tiêu)"
        en "an indicator with figures cannot leave its data set (it can be retired instead)";
    DataSetCodeFixed(data_set_code_fixed)
        vi "mã bộ số liệu không đổi được"
        en "a data set's code cannot change";
    DataSetCodeTaken(data_set_code_taken) { code: String }
        vi "mã bộ số liệu {code} đã có"
        en "the data set code {code} is taken";
    DataSetPeriodsFixed(data_set_periods_fixed)
        vi "bộ số liệu đã có số liệu: không đổi được loại kỳ, lịch kỳ hay cấp nhập"
        en "the data set has figures: its period type, calendar and entering level cannot change";
    ApprovalChainFixed(approval_chain_fixed)
        vi "đã có số liệu được duyệt theo chuỗi duyệt hiện tại: không đổi được các cấp duyệt"
        en "figures were approved along the current chain: its approving levels cannot change";
    DataSetUnknown(data_set_unknown) { code: String }
        vi "không có bộ số liệu mã {code}"
        en "there is no data set with the code {code}";
    RuleIndicatorOutsideSet(rule_indicator_outside_set) { indicator: String, data_set: String }
        vi "chỉ tiêu {indicator} không thuộc bộ số liệu {data_set}"
        en "indicator {indicator} is not in the data set {data_set}";
    IndicatorCodeUnknown(indicator_code_unknown) { code: String }
        vi "không có chỉ tiêu mã {code}"
        en "there is no indicator with the code {code}";
    ViewUnknown(view_unknown) { allowed: Vec<Term> }
        vi "cách xem không hợp lệ: cần {allowed}"
        en "unknown view: use {allowed}";
    PivotTooManyUnits(pivot_too_many_units) { max: usize }
        vi "quá {max} đơn vị: chọn đơn vị nhỏ hơn"
        en "more than {max} units: choose a smaller unit";
    PivotTooManyIndicators(pivot_too_many_indicators) { max: usize }
        vi "tối đa {max} mã chỉ tiêu"
        en "at most {max} indicator codes";
    PivotTooManyPeriods(pivot_too_many_periods) { max: usize }
        vi "tối đa {max} kỳ"
        en "at most {max} periods";
    SavedPivotName(saved_pivot_name) { max: usize }
        vi "cần tên, tối đa {max} ký tự"
        en "a name is required, at most {max} characters";
    SavedPivotNameMissing(saved_pivot_name_missing)
        vi "cần đặt tên cho bảng số liệu"
        en "give the table a name";
    QueryTooLong(query_too_long)
        vi "truy vấn dài quá"
        en "the query is too long";

    // ---- certification -------------------------------------------------
    YearInvalid(year_invalid)
        vi "năm phải từ 2000 đến 2100"
        en "the year must be from 2000 to 2100";
    DateInFuture(date_in_future)
        vi "ngày không được sau hôm nay"
        en "the day cannot be after today";
    PercentOutOfRange(percent_out_of_range)
        vi "tỷ lệ phải từ 0 đến 100 (%)"
        en "the share must be from 0 to 100 (%)";
    CertificationKindUnknown(certification_kind_unknown) { allowed: Vec<Term> }
        vi "loại đơn vị xét công nhận phải là một trong: {allowed}"
        en "the kind of certified unit must be one of: {allowed}";
    CertificationStateUnknown(certification_state_unknown) { allowed: Vec<Term> }
        vi "trạng thái phải là một trong: {allowed}"
        en "the state must be one of: {allowed}";
    ClassificationUnknown(classification_unknown) { allowed: Vec<Term> }
        vi "xếp loại phải là một trong: {allowed}"
        en "the classification must be one of: {allowed}";
    CriteriaYearTaken(criteria_year_taken) { latest: i32 }
        vi "bộ tiêu chí mới phải áp dụng từ năm sau năm {latest} (năm áp dụng của bộ gần nhất); bộ đã công bố không sửa được"
        en "a new criteria set must start after {latest} (the latest set's first year); a published set cannot be changed";
    CriteriaCount(criteria_count) { max: usize }
        vi "bộ tiêu chí cần từ 1 đến {max} tiêu chí"
        en "a criteria set needs 1 to {max} criteria";
    CriterionCodeTwice(criterion_code_twice) { code: String }
        vi "mã tiêu chí «{code}» có hai lần"
        en "criterion code «{code}» appears twice";
    RegisterUnitsCount(register_units_count) { max: usize }
        vi "cần chọn từ 1 đến {max} đơn vị để đăng ký"
        en "choose 1 to {max} units to register";
    RegistrationOutsideWindow(registration_outside_window) { kind: Term, year: i32, from: NaiveDate, to: NaiveDate }
        vi "{kind} đăng ký năm đánh giá {year} từ ngày {from} đến hết quý I (ngày {to})"
        en "a {kind} registers for assessment year {year} from {from} to the end of quarter I ({to})";
    CertificationStepOutOfOrder(certification_step_out_of_order) { state: Term, allowed: Vec<Term> }
        vi "không làm được bước này khi hồ sơ đang ở trạng thái {state}; bước có thể làm: {allowed}"
        en "this step cannot be taken while the case is {state}; possible steps: {allowed}";
    CriterionNotInSet(criterion_not_in_set) { version: i64 }
        vi "có tiêu chí không thuộc bộ tiêu chí (phiên bản {version}) áp dụng cho năm của hồ sơ"
        en "a criterion is not in the set (version {version}) in force for the case's year";
    CriterionAnsweredTwice(criterion_answered_twice)
        vi "một tiêu chí được đánh giá hai lần"
        en "a criterion is answered twice";
    CriterionUnanswered(criterion_unanswered) { code: String }
        vi "chưa đánh giá tiêu chí {code}"
        en "criterion {code} is not answered";
    ReturnReasonRequired(return_reason_required)
        vi "cần ghi lý do trả lại"
        en "give the reason for returning";
    StepBeforeLast(step_before_last) { last: NaiveDate }
        vi "ngày không được trước bước trước đó ({last})"
        en "the day cannot be before the previous step ({last})";
    RequiredCriteriaUnmet(required_criteria_unmet) { codes: String }
        vi "chưa đạt tiêu chí bắt buộc {codes}: chỉ có thể xếp loại Không đạt"
        en "required criteria {codes} are not met: only «not met» is possible";
    NoActiveModel(no_active_model) { kind: Term }
        vi "{kind} chưa có mô hình phong trào nào hoạt động trong năm đánh giá (sổ mô hình)"
        en "the {kind} has no movement model active during the assessment year (models register)";
    StaffNotAllBriefed(staff_not_all_briefed) { percent: f64 }
        vi "mới có {percent}% cán bộ, nhân viên được phổ biến, quán triệt; cần 100%"
        en "only {percent}% of staff were briefed; 100% is required";
    ResidentialShareTooLow(residential_share_too_low) { min: i64, certified: i64, eligible: i64 }
        vi "năm trước mới có {certified}/{eligible} khu dân cư của xã được công nhận; cần ít nhất {min}%"
        en "last year only {certified} of {eligible} residential areas of the commune were certified; at least {min}% is required";
    UnitNotCertifiable(unit_not_certifiable)
        vi "đơn vị này không thuộc loại được xét công nhận (khu dân cư, xã, cơ quan, doanh nghiệp, cơ sở giáo dục, cơ sở tôn giáo)"
        en "this unit is not of a certified kind (residential area, commune, agency, enterprise, school, religious establishment)";
    UnitExempt(unit_exempt) { unit: String, category: String }
        vi "{unit} không thuộc diện xét công nhận ({category})"
        en "{unit} is outside the scheme ({category})";
    AlreadyRegistered(already_registered) { unit: String, year: i32 }
        vi "{unit} đã đăng ký năm đánh giá {year}"
        en "{unit} is already registered for assessment year {year}";
    RevokedThisYear(revoked_this_year) { unit: String, year: i32 }
        vi "{unit} đã bị thu hồi công nhận năm {year}; không xét lại trong năm đó"
        en "{unit} had its certification revoked in {year}; it cannot be certified again that year";
    NoCriteriaInForce(no_criteria_in_force) { kind: Term, year: i32 }
        vi "chưa có bộ tiêu chí {kind} áp dụng cho năm {year}"
        en "no {kind} criteria set is in force for {year}";
    DecisionNotYourLevel(decision_not_your_level) { level: Term }
        vi "quyết định công nhận loại đơn vị này thuộc {level}"
        en "this kind of unit is certified by {level}";
    CertificationChangedMeanwhile(certification_changed_meanwhile)
        vi "hồ sơ đã được người khác xử lý; tải lại trang"
        en "someone else acted on the case meanwhile; reload the page";
    UnitNotRegistrable(unit_not_registrable) { unit: String }
        vi "{unit} không tồn tại trong năm đánh giá"
        en "{unit} did not exist during the assessment year";
    EvidenceKindRefused(evidence_kind_refused)
        vi "tệp minh chứng phải là PDF, ảnh (PNG, JPEG), DOCX hoặc XLSX"
        en "evidence must be a PDF, an image (PNG, JPEG), a DOCX or an XLSX file";
    NoCertificates(no_certificates) { year: i32 }
        vi "chưa có đơn vị nào được công nhận năm {year} để in giấy công nhận"
        en "no unit was certified in {year}: no certificate to print";
    ExemptCategoryUnknown(exempt_category_unknown) { allowed: String }
        vi "diện không xét phải là một trong: {allowed}"
        en "the exemption must be one of: {allowed}";

    // ---- forces ----------------------------------------------------------
    ForceUnknown(force_unknown) { allowed: Vec<Term> }
        vi "lực lượng phải là một trong: {allowed}"
        en "the force must be one of: {allowed}";
    TeamRoleUnknown(team_role_unknown) { allowed: Vec<Term> }
        vi "chức danh phải là một trong: {allowed}"
        en "the role must be one of: {allowed}";
    EndReasonUnknown(end_reason_unknown) { allowed: Vec<Term> }
        vi "lý do thôi phải là một trong: {allowed}"
        en "the reason for ending must be one of: {allowed}";
    SchoolingLevelUnknown(schooling_level_unknown) { allowed: Vec<Term> }
        vi "trình độ học vấn phải là một trong: {allowed}"
        en "the schooling must be one of: {allowed}";
    AreaMarkUnknown(area_mark_unknown) { allowed: Vec<Term> }
        vi "đặc điểm địa bàn phải là một trong: {allowed}"
        en "the kind of area must be one of: {allowed}";
    EligibilityRuleUnknown(eligibility_rule_unknown) { allowed: Vec<Term> }
        vi "điều kiện phải là một trong: {allowed}"
        en "the condition must be one of: {allowed}";
    ForceNotInForce(force_not_in_force) { force: Term, from: NaiveDate }
        vi "{force}: Tổ bảo vệ ANTT có từ ngày {from}; các lực lượng cũ kết thúc trước ngày đó"
        en "{force}: security and order teams exist from {from}; the older forces ended before it";
    HistoricalForceOpen(historical_force_open)
        vi "lực lượng trước Luật 30/2023 là danh sách đã đóng: cần ngày kết thúc"
        en "a force before Law 30/2023 is a closed roster: give its end date";
    EndBeforeStart(end_before_start)
        vi "ngày kết thúc trước ngày bắt đầu"
        en "the end date is before the start";
    PhoneInvalid(phone_invalid)
        vi "số điện thoại cần 9 đến 11 chữ số"
        en "a phone number has 9 to 11 digits";
    NationalIdInvalid(national_id_invalid)
        vi "số định danh cá nhân/CCCD cần 12 chữ số (CMND cũ: 9 chữ số)"
        en "a citizen ID number has 12 digits (an older ID card: 9)";
    PersonOrId(person_or_id)
        vi "cần chọn người đã có trong hồ sơ hoặc nhập người mới, không cả hai"
        en "give either an existing person (person_id) or a new one (person), not both";
    MemberTooYoung(member_too_young) { age: i64, min: i64 }
        vi "mới {age} tuổi, chưa đủ {min} tuổi"
        en "is {age} years old, under {min}";
    MemberTooOld(member_too_old) { age: i64, max: i64 }
        vi "{age} tuổi, trên {max} tuổi mà không có quyết định cho phép"
        en "is {age} years old, over {max}, without a decision allowing it";
    ResidenceUnknown(residence_unknown)
        vi "chưa ghi ngày bắt đầu cư trú tại địa bàn"
        en "the day residence in the area began is not given";
    ResidenceTooShort(residence_too_short) { since: NaiveDate }
        vi "cư trú tại địa bàn từ ngày {since}, chưa đủ 1 năm"
        en "resident in the area since {since}, less than a year";
    SchoolingTooLow(schooling_too_low) { has: Term, needed: Term }
        vi "trình độ {has}, cần tối thiểu {needed}"
        en "schooling {has}; at least {needed} is required";
    SchoolingNotDeclared(schooling_not_declared) { needed: Term }
        vi "chưa ghi trình độ học vấn (cần tối thiểu {needed})"
        en "schooling is not given (at least {needed} is required)";
    HealthCertificateMissing(health_certificate_missing)
        vi "chưa có giấy chứng nhận đủ sức khỏe"
        en "no health certificate is given";
    HealthCertificateOld(health_certificate_old) { on: NaiveDate, months: i64 }
        vi "giấy chứng nhận sức khỏe ngày {on} đã quá {months} tháng"
        en "the health certificate of {on} is older than {months} months";
    SanctionNotDeclared(sanction_not_declared)
        vi "chưa xác nhận không bị truy cứu, xử lý hoặc áp dụng biện pháp hành chính"
        en "it is not declared that the person is not prosecuted, sanctioned or under an administrative measure";
    MemberNotEligible(member_not_eligible) { failed: String }
        vi "chưa đủ điều kiện: {failed}. Cán bộ có thể vẫn công nhận nếu ghi lý do; lý do được ghi vào nhật ký"
        en "not eligible: {failed}. An officer may recognise the member with a reason (override_reason), which is audited";
    UnderAgeNotOverridable(under_age_not_overridable) { min: i64 }
        vi "người chưa đủ {min} tuổi không thể được công nhận, kể cả có lý do"
        en "a person under {min} cannot be recognised, even with a reason";
    MembersOutOfRange(members_out_of_range) { max: i64 }
        vi "số thành viên phải từ 1 đến {max}"
        en "the number of members must be from 1 to {max}";
    SmallMaxOutsideRange(small_max_outside_range)
        vi "số tối đa khi ít hộ phải nằm giữa số tối thiểu và số tối đa"
        en "the maximum for small villages must lie between the minimum and the maximum";
    TeamUnitInvalid(team_unit_invalid) { force: Term }
        vi "{force} lập ở thôn, tổ dân phố (công an xã bán chuyên trách: ở xã)"
        en "a {force} belongs to a village or residential group (part-time police: to a commune)";
    TeamExists(team_exists) { unit: String }
        vi "{unit} đã có tổ đang hoạt động; thêm tổ thứ hai cần số quyết định cho phép"
        en "{unit} already has an active team; a second needs a decision (second_team_decision)";
    TeamEnded(team_ended)
        vi "tổ đã giải thể hoặc đã kết thúc"
        en "the team has been dissolved or has ended";
    StartBeforeTeam(start_before_team) { from: NaiveDate }
        vi "ngày bắt đầu trước ngày thành lập tổ ({from})"
        en "the start is before the team was set up ({from})";
    MemberActiveElsewhere(member_active_elsewhere) { team: String }
        vi "người này đang là thành viên của {team}; cần cho thôi ở đó trước"
        en "this person is an active member of {team}; end that membership first";
    MembershipEnded(membership_ended)
        vi "thành viên đã thôi"
        en "the membership has ended";
    PersonUnknown(person_unknown)
        vi "không tìm thấy người này trong phạm vi của bạn"
        en "no such person in your scope";
    NationalIdTaken(national_id_taken)
        vi "số định danh này đã có trong hồ sơ với họ tên hoặc ngày sinh khác; kiểm tra lại"
        en "this ID number is on record under another name or birth date; check it";
    ProvinceExpected(province_expected)
        vi "cần một tỉnh, thành phố hiện hành"
        en "a current province is required";
    SizeRuleExists(size_rule_exists) { from: NaiveDate }
        vi "tỉnh đã có quy định áp dụng từ ngày {from}"
        en "the province already has a rule from {from}";

    AreaMarkUnitInvalid(area_mark_unit_invalid)
        vi "chỉ đánh dấu địa bàn cho xã, phường hoặc thôn, tổ dân phố"
        en "only a commune or a village can be marked";
    HouseholdsUnitInvalid(households_unit_invalid)
        vi "số hộ chỉ nhập cho thôn, tổ dân phố"
        en "households are entered for villages and residential groups only";

    // ---- training -------------------------------------------------------
    TrainingTopicUnknown(training_topic_unknown) { allowed: Vec<Term> }
        vi "chuyên đề phải là một trong: {allowed}"
        en "the topic must be one of: {allowed}";
    TrainingAudienceUnknown(training_audience_unknown) { allowed: Vec<Term> }
        vi "đối tượng tập huấn phải là một trong: {allowed}"
        en "the audience must be one of: {allowed}";
    TopicTwice(topic_twice) { topic: Term }
        vi "chuyên đề {topic} có hai lần"
        en "the topic {topic} is listed twice";
    ScoreOutOfRange(score_out_of_range)
        vi "điểm phải từ 0 đến 10"
        en "a score is from 0 to 10";
    SessionOutsideClass(session_outside_class)
        vi "buổi học nằm ngoài thời gian của lớp"
        en "a session falls outside the class's days";
    CourseUnknown(course_unknown)
        vi "không có chương trình tập huấn này"
        en "there is no such course";
    CourseNameTaken(course_name_taken) { name: String }
        vi "đã có chương trình tập huấn \"{name}\""
        en "a course named \"{name}\" exists already";
    OrganiserUnitInvalid(organiser_unit_invalid)
        vi "đơn vị tổ chức lớp phải là một tỉnh hoặc một xã, phường, đặc khu đang tồn tại"
        en "a class is run by an existing province or commune";
    ClassFull(class_full) { capacity: i64 }
        vi "lớp đã đủ {capacity} học viên"
        en "the class is full ({capacity} places)";
    AlreadyEnrolled(already_enrolled)
        vi "người này đã có trong lớp"
        en "this person is enrolled already";
    NotEnrolled(not_enrolled) { enrolment: i64 }
        vi "học viên {enrolment} không có trong lớp này"
        en "enrolment {enrolment} is not in this class";
    NotASession(not_a_session) { day: NaiveDate }
        vi "lớp không có buổi học ngày {day}"
        en "the class has no session on {day}";
    ResultBeforeEnd(result_before_end) { last: NaiveDate }
        vi "chỉ nhập kết quả từ buổi học cuối ({last})"
        en "results are entered from the last session ({last}) on";
    NoCertificate(no_certificate)
        vi "học viên chưa đạt nên chưa có giấy chứng nhận"
        en "the trainee has not passed: no certificate";
    AttendanceSheetHeader(attendance_sheet_header) { column: String }
        vi "cột {column}: bảng điểm danh bắt đầu bằng Mã học viên, Họ và tên, Năm sinh, rồi mỗi buổi học một cột (ngày dd/mm/yyyy của lớp); hãy tải lại bảng của lớp"
        en "column {column}: the attendance sheet starts with the trainee number, name and year of birth, then a column per session (the class's days, dd/mm/yyyy); download the class's sheet again";
    AttendanceSheetCell(attendance_sheet_cell) { row: usize, column: String }
        vi "dòng {row}, cột {column}: ghi x nếu có mặt, để trống nếu vắng"
        en "row {row}, column {column}: x for present, blank for absent";
    TraineeRowRefused(trainee_row_refused) { row: usize, why: String }
        vi "dòng {row}: {why}; không ghi danh ai trong tệp"
        en "row {row}: {why}; nobody in the file was enrolled";
    TraineeSheetHeader(trainee_sheet_header) { column: String }
        vi "cột {column}: danh sách học viên có các cột Mã người, Họ và tên, Ngày sinh, Điện thoại (tải tệp mẫu)"
        en "column {column}: the trainee list's columns are the person number, name, date of birth and phone (download the template)";
    AttendanceSheetTrainee(attendance_sheet_trainee) { row: usize }
        vi "dòng {row}: mã học viên không thuộc lớp này (hoặc bị ghi hai lần)"
        en "row {row}: the trainee number is not of this class (or appears twice)";

    // ---- documents -------------------------------------------------------
    DocumentKindUnknown(document_kind_unknown) { allowed: Vec<Term> }
        vi "loại văn bản phải là một trong: {allowed}"
        en "the kind of document is one of: {allowed}";
    DocumentLevelUnknown(document_level_unknown) { allowed: Vec<Term> }
        vi "cấp phải là một trong: {allowed}"
        en "the level is one of: {allowed}";
    DocumentStatusUnknown(document_status_unknown) { allowed: Vec<Term> }
        vi "tình trạng hiệu lực phải là một trong: {allowed}"
        en "the status is one of: {allowed}";
    DocumentLinkKindUnknown(document_link_kind_unknown) { allowed: Vec<Term> }
        vi "văn bản liên kết được với: {allowed}"
        en "a document links to: {allowed}";
    DocumentUnitForLevel(document_unit_for_level) { level: Term }
        vi "văn bản {level}: văn bản trung ương không gắn với đơn vị, văn bản cấp tỉnh hoặc cấp xã phải chọn tỉnh hoặc xã ban hành"
        en "a {level} document: national texts name no unit, a province's or a commune's name the issuing province or commune";
    DocumentUnitWrongLevel(document_unit_wrong_level) { level: Term }
        vi "{level}: đơn vị ban hành phải là một đơn vị của cấp này, đang tồn tại vào ngày ban hành"
        en "{level}: the issuing unit is a unit of that level, existing on the day of issue";
    DocumentInForceBeforeIssued(document_in_force_before_issued)
        vi "ngày có hiệu lực không được trước ngày ban hành"
        en "a document is not in force before it is issued";
    DocumentUntilBeforeFrom(document_until_before_from)
        vi "ngày hết hiệu lực phải sau ngày có hiệu lực"
        en "a document expires after it comes into force";
    DocumentIssuerTwice(document_issuer_twice) { issuer: String }
        vi "cơ quan ban hành \"{issuer}\" được ghi hai lần"
        en "the issuing body \"{issuer}\" is named twice";
    DocumentNumberTaken(document_number_taken) { number: String, issuer: String, year: i32 }
        vi "{issuer} đã có văn bản số {number} năm {year}"
        en "{issuer} has a document numbered {number} in {year} already";
    DocumentUnknown(document_unknown)
        vi "văn bản không có trong sổ đăng ký (hoặc ngoài phạm vi của bạn)"
        en "no such document in the register (or outside your scope)";
    DocumentNumberAmbiguous(document_number_ambiguous) { number: String, count: i64 }
        vi "có {count} văn bản cùng số {number}: ghi mã văn bản (#mã, xem ở trang văn bản) thay cho số"
        en "{count} documents are numbered {number}: give the document's id (#id, on its page) instead";
    DocumentReplacementCycle(document_replacement_cycle) { number: String }
        vi "văn bản {number} đã thay thế (trực tiếp hoặc gián tiếp) văn bản này: không thể thay thế ngược lại"
        en "document {number} replaces this one (directly or not): it cannot be replaced by it in turn";
    DocumentReplacedAlready(document_replaced_already) { number: String, by: String }
        vi "văn bản {number} đã được văn bản {by} thay thế"
        en "document {number} is replaced by {by} already";
    DocumentLinkTargetUnknown(document_link_target_unknown) { kind: Term }
        vi "không có {kind} này (hoặc ngoài phạm vi của bạn)"
        en "no such {kind} (or outside your scope)";
    DocumentFileKindRefused(document_file_kind_refused)
        vi "tệp văn bản phải là PDF, DOCX hoặc ảnh quét (PNG, JPEG)"
        en "a document's file is a PDF, a DOCX or a scan (PNG, JPEG)";
    TooManyItems(too_many_items) { max: usize }
        vi "tối đa {max} mục"
        en "at most {max} items";

    // ---- partners and programmes -------------------------------------------
    PartnerKindUnknown(partner_kind_unknown) { allowed: Vec<Term> }
        vi "loại tổ chức phải là một trong: {allowed}"
        en "the kind of organisation is one of: {allowed}";
    EmailInvalid(email_invalid)
        vi "địa chỉ thư điện tử không đúng dạng (ten@mien)"
        en "the e-mail address is not of the form name@domain";
    PartnerNameTaken(partner_name_taken) { name: String }
        vi "đã có tổ chức \"{name}\" ở đơn vị này"
        en "an organisation named \"{name}\" exists at this unit already";
    PartnerUnknown(partner_unknown)
        vi "không có tổ chức phối hợp này (hoặc ngoài phạm vi của bạn)"
        en "no such partner organisation (or outside your scope)";
    PartnerSuccessorInvalid(partner_successor_invalid)
        vi "tổ chức kế tục phải là một tổ chức khác cùng loại, đang hoạt động"
        en "the continuing organisation is another one of the same kind, still active";
    PartnerEnded(partner_ended) { name: String }
        vi "{name} đã kết thúc hoạt động"
        en "{name} has ended";
    ProgramKindUnknown(program_kind_unknown) { allowed: Vec<Term> }
        vi "loại chương trình phải là một trong: {allowed}"
        en "the kind of programme is one of: {allowed}";
    TargetSourceUnknown(target_source_unknown) { allowed: Vec<Term> }
        vi "nguồn số liệu của chỉ tiêu phải là một trong: {allowed}"
        en "a target's source is one of: {allowed}";
    ProgramActivityKindUnknown(program_activity_kind_unknown) { allowed: Vec<Term> }
        vi "loại hoạt động phải là một trong: {allowed}"
        en "the kind of activity is one of: {allowed}";
    ProgramPeriodInvalid(program_period_invalid) { max_years: i64 }
        vi "ngày kết thúc phải sau ngày bắt đầu, trong vòng {max_years} năm"
        en "the programme ends after it starts, within {max_years} years";
    ProgramPartnerRequired(program_partner_required)
        vi "chương trình phối hợp có ít nhất một tổ chức phối hợp ngoài lực lượng Công an"
        en "a coordination programme has at least one partner besides the police";
    ProgramParentInvalid(program_parent_invalid)
        vi "chương trình cấp trên phải là chương trình của cấp trên đơn vị này (hoặc chính đơn vị), bao trùm thời gian thực hiện"
        en "the higher programme belongs to a unit above this one (or to it) and spans its period";
    ProgramUnknown(program_unknown)
        vi "không có chương trình này (hoặc ngoài phạm vi của bạn)"
        en "no such programme (or outside your scope)";
    TargetValueInvalid(target_value_invalid)
        vi "giá trị chỉ tiêu phải là số dương"
        en "a target's value is a positive number";
    TargetIndicatorUnknown(target_indicator_unknown) { code: String }
        vi "không có chỉ tiêu thống kê mã {code}"
        en "there is no indicator coded {code}";
    TargetModelTypeUnknown(target_model_type_unknown)
        vi "không có loại mô hình này"
        en "no such model type";
    TargetDueOutside(target_due_outside) { from: NaiveDate, to: NaiveDate }
        vi "hạn hoàn thành phải trong thời gian chương trình ({from} – {to})"
        en "a target is due within the programme ({from} to {to})";
    TargetNotManual(target_not_manual) { source: Term }
        vi "tiến độ của chỉ tiêu này được tính tự động từ {source}; chỉ nhập tay chỉ tiêu không có nguồn số liệu"
        en "this target's progress is computed from {source}; only targets without a source are entered";
    ActivityOutsidePeriod(activity_outside_period) { from: NaiveDate, to: NaiveDate }
        vi "hoạt động phải diễn ra trong thời gian chương trình ({from} – {to})"
        en "an activity takes place within the programme ({from} to {to})";
    ActivityOutsideArea(activity_outside_area)
        vi "nơi tổ chức hoạt động phải thuộc địa bàn của chương trình"
        en "an activity takes place within the programme's area";
    ModelOutsideProgramArea(model_outside_program_area)
        vi "mô hình phải ở trong địa bàn của chương trình"
        en "the model lies within the programme's area";
    ActivityPartyInvalid(activity_party_invalid)
        vi "đơn vị tổ chức hoạt động phải là một bên tham gia chương trình"
        en "an activity is held by a party to the programme";
    PartnerAccountUnknown(partner_account_unknown) { username: String }
        vi "không có tài khoản đối tác \"{username}\""
        en "there is no partner account \"{username}\"";
    PartnerAccountWithoutOrganisation(partner_account_without_organisation)
        vi "tài khoản đối tác chưa được gắn với tổ chức nào; đề nghị quản trị viên gắn tài khoản với tổ chức của bạn"
        en "this partner account belongs to no organisation yet; ask an administrator to attach it to yours";

    // ---- directives and tasks ------------------------------------------
    TaskExpectsUnknown(task_expects_unknown) { allowed: Vec<Term> }
        vi "loại báo cáo của nhiệm vụ phải là một trong: {allowed}"
        en "what a task expects is one of: {allowed}";
    TaskStateUnknown(task_state_unknown) { allowed: Vec<Term> }
        vi "tình trạng nhiệm vụ phải là một trong: {allowed}"
        en "a task's state is one of: {allowed}";
    TaskDueOutside(task_due_outside) { issued_on: NaiveDate, max_years: i64 }
        vi "hạn của nhiệm vụ phải từ ngày ban hành chỉ đạo ({issued_on}) và trong vòng {max_years} năm"
        en "a task is due on or after its directive ({issued_on}), within {max_years} years";
    TaskOwnersInvalid(task_owners_invalid)
        vi "giao nhiệm vụ cho từng đơn vị hoặc cho mọi xã, phường trực thuộc, không cả hai"
        en "a task is given to units one by one or to every commune below, not both";
    TaskStandingUnknown(task_standing_unknown) { allowed: Vec<Term> }
        vi "tiến độ phải là một trong: {allowed}"
        en "a standing is one of: {allowed}";
    TaskReportStateInvalid(task_report_state_invalid)
        vi "báo cáo cho biết nhiệm vụ đang thực hiện, đã hoàn thành hay vướng mắc"
        en "a report says the task is in progress, done or blocked";
    DirectiveUnitInvalid(directive_unit_invalid)
        vi "đơn vị ban hành chỉ đạo phải là tỉnh, huyện hoặc xã, phường đang tồn tại vào ngày ban hành"
        en "a directive is issued by a province, district or commune existing on the day of issue";
    TaskOwnersOutside(task_owners_outside)
        vi "đơn vị được giao nhiệm vụ phải trực thuộc đơn vị ban hành và đang tồn tại vào ngày ban hành"
        en "a task's owners lie below the issuing unit and exist on the day of issue";
    TaskNoCommunes(task_no_communes)
        vi "đơn vị ban hành không có xã, phường trực thuộc để giao nhiệm vụ"
        en "there is no commune below the issuing unit to give the task to";
    TaskOwnerRequired(task_owner_required)
        vi "bạn phụ trách nhiều đơn vị được giao nhiệm vụ này: chọn đơn vị báo cáo"
        en "you answer for several owners of this task: name the unit that reports";
    TaskFileMissing(task_file_missing)
        vi "nhiệm vụ yêu cầu tệp báo cáo: đính kèm tệp trước khi báo cáo hoàn thành"
        en "the task expects a file: attach it before reporting the task done";
    TaskDataSetUnknown(task_data_set_unknown)
        vi "không có bộ chỉ tiêu này"
        en "no such data set";

    // ---- commendations -------------------------------------------------
    CommendationFormUnknown(commendation_form_unknown) { allowed: Vec<Term> }
        vi "hình thức khen thưởng phải là một trong: {allowed}"
        en "the form of commendation is one of: {allowed}";
    CommendationLevelUnknown(commendation_level_unknown) { allowed: Vec<Term> }
        vi "cấp khen thưởng phải là một trong: {allowed}"
        en "the level of a commendation is one of: {allowed}";
    CommendationRecipientUnknown(commendation_recipient_unknown) { allowed: Vec<Term> }
        vi "đối tượng khen thưởng phải là một trong: {allowed}"
        en "a commendation's recipient is one of: {allowed}";
    CommendationStateUnknown(commendation_state_unknown) { allowed: Vec<Term> }
        vi "tình trạng khen thưởng phải là một trong: {allowed}"
        en "a commendation's state is one of: {allowed}";
    CommendationFormLevel(commendation_form_level) { form: Term, levels: Vec<Term> }
        vi "{form} chỉ do {levels} tặng"
        en "{form} is given by {levels} only";
    CommendationProposalDecided(commendation_proposal_decided)
        vi "đề nghị khen thưởng chưa có ngày quyết định: cấp có thẩm quyền ghi khi duyệt"
        en "a proposal has no decision day yet: the deciding level gives it on approval";
    CommendationYearInvalid(commendation_year_invalid) { from: i32, to: i32 }
        vi "năm khen thưởng phải từ {from} đến {to}"
        en "the year of a commendation is from {from} to {to}";
    CommendationPersonFields(commendation_person_fields)
        vi "họ tên, chức danh chỉ ghi khi khen thưởng cá nhân"
        en "a name and role are given for an individual only";
    CommendationDecisionUnknown(commendation_decision_unknown)
        vi "quyết định phải là duyệt hoặc không duyệt khen thưởng"
        en "the decision is approve or refuse";
    CommendationRecipientOutside(commendation_recipient_outside) { kind: Term }
        vi "không có {kind} này (hoặc ngoài phạm vi của bạn)"
        en "no such {kind} (or outside your scope)";
    CommendationNotProposed(commendation_not_proposed) { state: Term }
        vi "khen thưởng này đã ở tình trạng {state}: chỉ quyết định được đề nghị đang chờ"
        en "this commendation is {state} already: only a pending proposal is decided";
    CommendationLevelNotYours(commendation_level_not_yours) { level: Term }
        vi "cấp xã chỉ ghi khen thưởng của Chủ tịch UBND xã; khen thưởng của {level} gửi đề nghị lên tỉnh"
        en "a commune records its own committee's commendations; one by {level} is proposed to the province";

    // ---- events, festivals, pledges --------------------------------------
    EventKindUnknown(event_kind_unknown) { allowed: Vec<Term> }
        vi "loại sự kiện phải là một trong: {allowed}"
        en "the kind of event is one of: {allowed}";
    ParticipantGroupUnknown(participant_group_unknown) { allowed: Vec<Term> }
        vi "nhóm người tham dự phải là một trong: {allowed}"
        en "a group of participants is one of: {allowed}";
    EventParticipantsInvalid(event_participants_invalid)
        vi "số người tham dự là số không âm, mỗi nhóm ghi một lần"
        en "participants are counted once per group, never below zero";
    EventDaysInvalid(event_days_invalid) { max: i64 }
        vi "ngày kết thúc phải từ ngày bắt đầu, trong vòng {max} ngày"
        en "an event ends on or after its first day, within {max} days";
    EventUnitInvalid(event_unit_invalid)
        vi "đơn vị tổ chức phải là tỉnh hoặc xã, phường trong phạm vi của bạn, đang tồn tại vào ngày tổ chức"
        en "the organiser is a province or commune of your scope, existing on the day";
    EventPhotoKindRefused(event_photo_kind_refused)
        vi "ảnh sự kiện phải là tệp JPEG hoặc PNG"
        en "an event's photo is a JPEG or a PNG";
    FestivalSitesRequired(festival_sites_required)
        vi "ghi ít nhất một thôn, tổ dân phố hoặc cơ sở tổ chức Ngày hội"
        en "name at least one village or site holding the festival";
    FestivalSitesOutside(festival_sites_outside)
        vi "thôn, tổ dân phố, cơ sở tổ chức Ngày hội phải thuộc xã, phường này"
        en "the villages and sites holding the festival lie in this commune";
    FestivalUnitInvalid(festival_unit_invalid)
        vi "Ngày hội được ghi cho một xã, phường, đặc khu đang tồn tại vào ngày tổ chức"
        en "a festival is recorded for a commune existing on the day";
    FestivalTaken(festival_taken) { year: i32 }
        vi "xã, phường này đã có bản ghi Ngày hội năm {year}"
        en "this commune has a festival record for {year} already";
    PledgePartyKindUnknown(pledge_party_kind_unknown) { allowed: Vec<Term> }
        vi "bên giao ước phải là một trong: {allowed}"
        en "a party to a pledge is one of: {allowed}";
    PledgePartiesRequired(pledge_parties_required)
        vi "giao ước thi đua có ít nhất hai bên"
        en "a pledge has two parties at least";
    PledgePartyTwice(pledge_party_twice)
        vi "một bên được ghi hai lần"
        en "a party is named twice";
    PledgeItemsRequired(pledge_items_required)
        vi "mỗi bên ghi ít nhất một nội dung giao ước"
        en "each party pledges one item at least";
    PledgePeriodInvalid(pledge_period_invalid) { max_years: i32 }
        vi "ngày kết thúc phải sau ngày bắt đầu, trong vòng {max_years} năm"
        en "a pledge ends after it starts, within {max_years} years";
    PledgePartyOutside(pledge_party_outside)
        vi "bên giao ước phải thuộc địa bàn của giao ước và trong phạm vi của bạn"
        en "a party lies within the pledge's area and your scope";
    PledgeYearOutside(pledge_year_outside) { from: i32, to: i32 }
        vi "năm đánh giá phải từ {from} đến {to}"
        en "the year assessed is from {from} to {to}";
    PledgeItemUnknown(pledge_item_unknown)
        vi "không có nội dung giao ước này trong giao ước"
        en "no such item in this pledge";

    // ---- reviews ---------------------------------------------------------
    ReviewKindUnknown(review_kind_unknown) { allowed: Vec<Term> }
        vi "loại báo cáo phải là một trong: {allowed}"
        en "the kind of review is one of: {allowed}";
    ReviewSectionUnknown(review_section_unknown) { allowed: Vec<Term> }
        vi "phần báo cáo phải là một trong: {allowed}"
        en "a review's section is one of: {allowed}";
    ReviewStateUnknown(review_state_unknown) { allowed: Vec<Term> }
        vi "tình trạng báo cáo phải là một trong: {allowed}"
        en "a review's state is one of: {allowed}";
    ReviewViewUnknown(review_view_unknown) { allowed: Vec<Term> }
        vi "cách tính theo đơn vị hành chính phải là một trong: {allowed}"
        en "the view of the reform is one of: {allowed}";
    ReviewMonthInvalid(review_month_invalid)
        vi "tháng ghi theo dạng NNNN-TT (ví dụ 2025-06) hoặc chỉ ghi năm"
        en "a month is written YYYY-MM (2025-06) or as a year";
    ReviewPeriodInvalid(review_period_invalid) { first: i32, max_years: i32 }
        vi "kỳ báo cáo bắt đầu từ năm {first}, kết thúc không trước khi bắt đầu và dài không quá {max_years} năm"
        en "a review's period starts in {first} or later, ends on or after its start and lasts {max_years} years at most";
    ReviewPeriodFuture(review_period_future)
        vi "kỳ báo cáo không được kết thúc sau tháng hiện tại"
        en "a review's period ends this month at the latest";
    ReviewFocusTooMany(review_focus_too_many) { max: usize }
        vi "chọn tối đa {max} mục"
        en "choose {max} at most";
    ReviewFocusUnknown(review_focus_unknown)
        vi "không có loại mô hình, chương trình, chỉ đạo hoặc bộ chỉ tiêu này (hoặc ngoài phạm vi của bạn)"
        en "no such model type, programme, directive or data set (or outside your scope)";
    ReviewUnitNotYours(review_unit_not_yours)
        vi "chỉ viết báo cáo của chính đơn vị mình"
        en "you write your own unit's reviews only";
    ReviewAnswersInvalid(review_answers_invalid)
        vi "báo cáo được trả lời phải là báo cáo của cấp trên trực tiếp, cùng kỳ"
        en "a submission answers a review of the unit directly above, for the same period";
    ReviewNumberInvalid(review_number_invalid)
        vi "số, ký hiệu ghi theo dạng số/ký hiệu (ví dụ 05/BC-CAT)"
        en "the number is written number/symbol (05/BC-CAT)";
    ReviewNumberTaken(review_number_taken) { number: String, year: i32 }
        vi "số {number} năm {year} đã dùng cho một văn bản khác của đơn vị"
        en "number {number} of {year} is taken by another of the unit's documents";
    ReviewIssuedBeforePeriod(review_issued_before_period)
        vi "ngày ban hành không được trước kỳ báo cáo"
        en "a review is issued no earlier than its period starts";
    ReviewRecipientsInvalid(review_recipients_invalid) { max: usize }
        vi "ghi từ 1 đến {max} nơi nhận"
        en "name 1 to {max} recipients";
    ReviewIssued(review_issued)
        vi "báo cáo đã ban hành không sửa được; tạo phiên bản mới để sửa"
        en "an issued review is frozen; make a new version to change it";
    ReviewNotIssued(review_not_issued)
        vi "chỉ tạo phiên bản mới của báo cáo đã ban hành; dự thảo thì sửa trực tiếp"
        en "a new version is made of an issued review; a draft is edited as it is";

    // ---- tips ------------------------------------------------------------
    TipCategoryUnknown(tip_category_unknown) { allowed: Vec<Term> }
        vi "loại tin báo phải là một trong: {allowed}"
        en "the kind of tip is one of: {allowed}";
    TipChannelUnknown(tip_channel_unknown) { allowed: Vec<Term> }
        vi "nguồn tin phải là một trong: {allowed}"
        en "the channel is one of: {allowed}";
    TipStateUnknown(tip_state_unknown) { allowed: Vec<Term> }
        vi "tình trạng tin báo phải là một trong: {allowed}"
        en "the state of a tip is one of: {allowed}";
    TipActionUnknown(tip_action_unknown) { allowed: Vec<Term> }
        vi "thao tác phải là một trong: {allowed}"
        en "the action is one of: {allowed}";
    TipPlaceRequired(tip_place_required)
        vi "chọn xã, phường (hoặc thôn, tổ dân phố) nơi xảy ra sự việc"
        en "choose the commune (or village) where it happens";
    TipPlaceUnknown(tip_place_unknown)
        vi "không tìm thấy địa bàn đã chọn: chọn lại xã, phường trong danh sách"
        en "the place chosen was not found: choose the commune again from the list";
    TipReportTooShort(tip_report_too_short) { min: usize }
        vi "nội dung cần ít nhất {min} ký tự: sự việc gì, ở đâu, ai liên quan"
        en "say at least {min} characters: what happened, where, who";
    TipFileTooLarge(tip_file_too_large) { name: String, max_mib: i64 }
        vi "tệp «{name}» lớn quá {max_mib} MB"
        en "the file «{name}» is larger than {max_mib} MB";
    TipFileKind(tip_file_kind) { name: String }
        vi "tệp «{name}» không nhận được: chỉ nhận ảnh JPEG, PNG, video MP4 hoặc tài liệu PDF"
        en "the file «{name}» is not accepted: only JPEG or PNG images, MP4 videos and PDF documents";
    TipFilesTooMany(tip_files_too_many) { max: usize }
        vi "gửi tối đa {max} tệp mỗi lần"
        en "at most {max} files at a time";
    TipActionNotNow(tip_action_not_now) { action: Term, state: Term }
        vi "không thể «{action}» tin báo đang ở tình trạng «{state}»"
        en "a tip that is {state} cannot be {action}";
    TipForwardTarget(tip_forward_target)
        vi "chuyển đến một xã, phường, đặc khu hoặc công an tỉnh đang tồn tại, khác đơn vị đang giữ tin"
        en "forward to an existing commune or to the province, other than the unit holding the tip";
    TipNoRecipient(tip_no_recipient)
        vi "địa bàn này chưa có cán bộ nhận tin báo trên hệ thống: xin gọi 113 hoặc đến trụ sở công an xã, phường gần nhất"
        en "no officer receives tips for this place yet: call 113 or go to the nearest commune police station";
    TipSealed(tip_sealed)
        vi "bạn chưa được cấp quyền đọc tin báo này: người giữ khóa của công an tỉnh cấp quyền trên trang Khóa tin báo"
        en "you may not read this tip yet: a province key-holder grants access on the tip keys page";
    TipKeyLocked(tip_key_locked)
        vi "khóa đọc tin báo chỉ mở trong phiên đăng nhập bằng mật khẩu: đăng xuất rồi đăng nhập lại"
        en "tip keys open only in a session signed in with a password: sign out and in again";
    TipKeyHolderOnly(tip_key_holder_only)
        vi "chỉ người giữ khóa tin báo của công an tỉnh mới cấp quyền đọc"
        en "only a province key-holder grants access to tips";
    TipReceiptUnknown(tip_receipt_unknown)
        vi "mã tra cứu không đúng: kiểm tra lại 16 ký tự đã ghi"
        en "the receipt code is not right: check the 16 characters you wrote down";
    TipBusy(tip_busy)
        vi "hệ thống đang nhận quá nhiều tin báo: xin thử lại sau ít phút hoặc gọi 113"
        en "too many tips are arriving: try again in a few minutes or call 113";
    TipHolderRole(tip_holder_role)
        vi "chỉ cán bộ công an tỉnh mới được giữ khóa tin báo"
        en "only province officers are made tip key-holders";
    TipKeyMissing(tip_key_missing)
        vi "cán bộ này chưa có khóa tin báo: cần đăng nhập bằng mật khẩu một lần trước"
        en "this officer has no tip key yet: they sign in with their password once first";
    TipDuplicate(tip_duplicate)
        vi "tin báo giống hệt vừa được gửi: hệ thống đã nhận, không cần gửi lại"
        en "the same tip was just sent: it was received, there is no need to send it again";

    // ---- the web layer -------------------------------------------------
    NotFound(not_found)
        vi "không tìm thấy"
        en "not found";
    Forbidden(forbidden)
        vi "không có quyền thực hiện thao tác này"
        en "you may not do this";
    RoleNotAllowed(role_not_allowed) { action: Term, roles: Vec<Term> }
        vi "vai trò của bạn không được {action} (chỉ {roles})"
        en "your role may not {action} (only {roles})";
    Unauthorized(unauthorized)
        vi "cần đăng nhập"
        en "please log in";
    Busy(busy) { seconds: u64 }
        vi "máy chủ đang bận; vui lòng thử lại sau {seconds} giây"
        en "the server is busy; try again in {seconds} seconds";
    PasswordChecksBusy(password_checks_busy) { seconds: u64 }
        vi "máy chủ đang kiểm tra nhiều mật khẩu; thử lại sau {seconds} giây"
        en "the server is checking many passwords; try again in {seconds} seconds";
    ServerStopping(server_stopping)
        vi "máy chủ đang dừng hoặc gặp lỗi; vui lòng thử lại"
        en "the server is stopping or failed; try again";
    Duplicate(duplicate)
        vi "dữ liệu trùng với bản ghi đã có"
        en "this duplicates an existing record";
    StorageFull(storage_full)
        vi "máy chủ hết dung lượng lưu trữ nên chưa ghi được; vui lòng báo quản trị viên"
        en "the server's storage is full, so nothing was written; tell an administrator";
    DatabaseReadOnly(database_read_only)
        vi "cơ sở dữ liệu đang ở chế độ chỉ đọc nên chưa ghi được; vui lòng báo quản trị viên"
        en "the database is read-only, so nothing was written; tell an administrator";
    DatabaseUnavailable(database_unavailable)
        vi "cơ sở dữ liệu tạm thời không truy cập được, vui lòng thử lại"
        en "the database cannot be reached for now; try again";
    Internal(internal)
        vi "lỗi hệ thống"
        en "internal error";
    BodyTooLarge(body_too_large) { max_mib: usize }
        vi "dữ liệu gửi lên quá lớn (tối đa {max_mib} MiB)"
        en "the request body is too large (at most {max_mib} MiB)";
    MethodNotAllowed(method_not_allowed)
        vi "phương thức không được hỗ trợ ở địa chỉ này"
        en "this method is not supported at this address";
    BadRequest(bad_request)
        vi "yêu cầu không hợp lệ"
        en "invalid request";
    Timeout(timeout) { seconds: u64 }
        vi "yêu cầu chạy quá {seconds} giây nên đã dừng; hãy kiểm tra kết quả rồi thử lại"
        en "the request ran longer than {seconds} seconds and was stopped; check what it did, then try again";
    Csrf(csrf)
        vi "thiếu hoặc sai mã CSRF"
        en "the CSRF token is missing or wrong";
    TwoFactorRequired(two_factor_required) { page: String }
        vi "quản trị viên cần bật xác thực hai lớp trước ({page})"
        en "administrators must turn on two-factor authentication first ({page})";
    PasswordChangeRequired(password_change_required) { endpoint: String }
        vi "cần đổi mật khẩu trước ({endpoint})"
        en "the password must be changed first ({endpoint})";
    JsonInvalid(json_invalid) { detail: String }
        vi "JSON không hợp lệ: {detail}"
        en "invalid JSON: {detail}";
    JsonObjectExpected(json_object_expected)
        vi "cần một đối tượng JSON"
        en "a JSON object is required";
    IdInvalid(id_invalid)
        vi "mã đơn vị phải là số nguyên dương"
        en "a unit id is a positive whole number";
    FormatUnknown(format_unknown) { allowed: Vec<Term> }
        vi "định dạng phải là {allowed}"
        en "the format must be {allowed}";
    FileNotBuilt(file_not_built)
        vi "không tạo được tệp"
        en "the file could not be made";
    FileNotSpreadsheet(file_not_spreadsheet)
        vi "tệp không phải XLSX hoặc CSV hợp lệ"
        en "the file is not a valid XLSX or CSV file";
    FileNoSheet(file_no_sheet)
        vi "tệp không có trang tính nào"
        en "the file has no sheet";
    CsvNotUtf8(csv_not_utf8) { row: usize }
        vi "tệp CSV không dùng mã UTF-8 (lỗi ở dòng {row}); hãy lưu lại tệp dưới dạng «CSV UTF-8»"
        en "the CSV file is not UTF-8 (error in row {row}); save it again as «CSV UTF-8»";
    CsvBroken(csv_broken) { row: usize }
        vi "tệp CSV bị lỗi ở dòng {row}"
        en "the CSV file is broken in row {row}";
    XlsxBroken(xlsx_broken) { row: usize }
        vi "tệp XLSX bị hỏng hoặc không đọc được (sau dòng {row})"
        en "the XLSX file is damaged or unreadable (after row {row})";
    FileTooManyRows(file_too_many_rows) { max: usize, row: usize }
        vi "tệp có quá {max} dòng (dòng {row})"
        en "the file has more than {max} rows (row {row})";
    CellTooLong(cell_too_long) { cell: String, max: usize }
        vi "ô {cell} dài quá {max} ký tự"
        en "cell {cell} is longer than {max} characters";
    /// `what` and `limit` come from the XLSX reader, in Vietnamese.
    XlsxArchiveLimit(xlsx_archive_limit) { what: String, limit: String }
        vi "tệp XLSX vượt giới hạn: {what} (tối đa {limit})"
        en "the XLSX file is past a limit: {what} (at most {limit})";
    MultipartExpected(multipart_expected) { content_type: String, detail: String }
        vi "cần gửi tệp dạng {content_type}: {detail}"
        en "send the file as {content_type}: {detail}";
    FileMissing(file_missing)
        vi "chưa chọn tệp"
        en "no file was chosen";
    FileTooLarge(file_too_large) { max_mib: usize }
        vi "tệp lớn quá {max_mib} MiB: hãy chia thành nhiều tệp"
        en "the file is larger than {max_mib} MiB: split it into several files";
    UploadUnreadable(upload_unreadable) { detail: String }
        vi "không đọc được tệp tải lên: {detail}"
        en "the upload could not be read: {detail}";
    SearchTooLong(search_too_long) { max: usize }
        vi "từ khóa dài quá {max} ký tự"
        en "the search text is longer than {max} characters";
    SearchControlCharacters(search_control_characters)
        vi "từ khóa chứa ký tự điều khiển"
        en "the search text contains control characters";
    SearchInvalid(search_invalid) { max: usize }
        vi "từ khóa dài quá {max} ký tự hoặc chứa ký tự điều khiển"
        en "the search text is longer than {max} characters or contains control characters";
    MergeTooMany(merge_too_many) { max: usize }
        vi "gộp tối đa {max} thôn một lần"
        en "at most {max} villages can be merged at once";
    VillageIdInvalid(village_id_invalid)
        vi "mã thôn không hợp lệ"
        en "invalid village id";
    PartIndexInvalid(part_index_invalid)
        vi "số thứ tự dòng không hợp lệ"
        en "invalid row number";
    SortUnknown(sort_unknown) { allowed: Vec<Term> }
        vi "sắp xếp theo {allowed}"
        en "sort by {allowed}";
    ColumnsUnknown(columns_unknown) { allowed: Vec<Term> }
        vi "cột theo {allowed}"
        en "columns by {allowed}";
    ScopeUnitUnknown(scope_unit_unknown) { unit: i64 }
        vi "không có đơn vị {unit}"
        en "there is no unit {unit}";
    ScopeIdsInvalid(scope_ids_invalid)
        vi "mã đơn vị phải là số, cách nhau bằng dấu phẩy"
        en "unit ids are numbers separated by commas";
    PasswordWrong(password_wrong)
        vi "mật khẩu hiện tại không đúng"
        en "the current password is wrong";
    PasswordUnchanged(password_unchanged)
        vi "mật khẩu mới phải khác mật khẩu cũ"
        en "the new password must differ from the old one";
    PasswordsDiffer(passwords_differ)
        vi "hai lần nhập mật khẩu mới không khớp"
        en "the two new passwords do not match";
    TotpRequired(totp_required)
        vi "cần mã xác thực hai lớp"
        en "a two-factor code is required";
    TotpInvalid(totp_invalid)
        vi "mã xác thực hai lớp không đúng"
        en "the two-factor code is wrong";
    TwoFactorAlreadyOn(two_factor_already_on)
        vi "xác thực hai lớp đã bật"
        en "two-factor authentication is already on";
    TwoFactorSetupFirst(two_factor_setup_first)
        vi "hãy bắt đầu cài đặt trước"
        en "start the setup first";
    TotpSetupCodeWrong(totp_setup_code_wrong)
        vi "mã không đúng; kiểm tra giờ trên điện thoại"
        en "the code is wrong; check the phone's clock";
    CodeWrong(code_wrong)
        vi "mã xác thực không đúng"
        en "the code is wrong";
    LoginThrottled(login_throttled) { seconds: i64 }
        vi "đăng nhập sai nhiều lần; thử lại sau {seconds} giây"
        en "too many failed logins; try again in {seconds} seconds";
    LoginFailed(login_failed)
        vi "tên đăng nhập hoặc mật khẩu không đúng"
        en "wrong username or password";
    ContentTypeRequired(content_type_required) { content_type: String }
        vi "cần Content-Type: {content_type}"
        en "Content-Type: {content_type} is required";
    /// A confirmed import whose file would now do something else than the
    /// preview confirmed showed (a record it reads changed meanwhile).
    ImportPreviewStale(import_preview_stale)
        vi "dữ liệu đã thay đổi kể từ lúc xem trước, chưa ghi gì: hãy xem bản xem trước mới rồi xác nhận lại"
        en "the data changed since the preview; nothing was written: check the new preview and confirm again";
    /// A draft kept for a confirmation that is gone (applied, replaced or
    /// older than a day) or another user's.
    ImportDraftGone(import_draft_gone)
        vi "không còn tệp đã tải lên để xác nhận (đã nhập, đã thay bằng tệp khác hoặc quá một ngày): hãy tải tệp lên lại"
        en "the uploaded file to confirm is gone (imported, replaced or older than a day): upload it again";
    FileRefusedModels(file_refused_models)
        vi "tệp có lỗi, chưa nhập dòng nào"
        en "the file has errors; no row was imported";
    FileRefusedTypes(file_refused_types)
        vi "tệp có lỗi, chưa nhập loại mô hình nào"
        en "the file has errors; no type was loaded";
    FileRefusedValues(file_refused_values)
        vi "tệp có lỗi, chưa nhập giá trị nào"
        en "the file has errors; no value was imported";
    FileRefusedRosters(file_refused_rosters)
        vi "tệp có lỗi, chưa nhập danh sách nào"
        en "the file has errors; no roster was imported";
    ReportFormatUnknown(report_format_unknown) { allowed: Vec<Term> }
        vi "báo cáo lỗi chỉ xuất được dạng {allowed}"
        en "the error report comes only as {allowed}";
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::error::placeholders;

    /// Every code of a coded value a message may name.
    fn enum_codes() -> BTreeSet<&'static str> {
        crate::error::all_terms()
            .into_iter()
            .map(|t| t.code)
            .collect()
    }

    /// Whether a word of a Vietnamese text is an English code: a coded
    /// value's code, or lower-case ASCII joined by `_`.
    fn english_code(word: &str, codes: &BTreeSet<&str>) -> bool {
        let ascii_lower = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-');
        ascii_lower && (codes.contains(word) || (word.contains('_') && word.len() > 1))
    }

    #[test]
    fn every_reason_reads_in_both_languages_and_names_its_values() {
        let codes = enum_codes();
        assert!(codes.contains("dissolved") && codes.contains("cut_off"));
        let mut seen = BTreeSet::new();
        for r in Reason::ALL {
            assert!(seen.insert(r.code), "{} twice", r.code);
            assert!(
                r.code.starts_with(|c: char| c.is_ascii_lowercase())
                    && r.code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}: not snake_case",
                r.code
            );
            assert!(
                !r.vi.trim().is_empty() && !r.en.trim().is_empty(),
                "{}",
                r.code
            );
            let args: BTreeSet<&str> = r.args.iter().copied().collect();
            let mut plain = r.vi.to_string();
            for a in r.args {
                plain = plain.replace(&format!("{{{a}}}"), " ");
            }
            // The same text twice is only a join of other texts ("{a}: {b}").
            assert!(
                r.vi != r.en || !plain.chars().any(char::is_alphabetic),
                "{}: not translated",
                r.code
            );
            for (lang, text) in [("vi", r.vi), ("en", r.en)] {
                let named: BTreeSet<&str> = placeholders(text).into_iter().collect();
                assert_eq!(
                    named, args,
                    "{} ({lang}): placeholders and arguments differ",
                    r.code
                );
            }
            for word in plain.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')) {
                assert!(
                    !english_code(word, &codes),
                    "{}: English code «{word}» in «{}»",
                    r.code,
                    r.vi
                );
            }
            assert!(
                !r.vi.contains("Ã") && !r.vi.contains("á»") && !r.vi.contains('\u{fffd}'),
                "{}: garbled",
                r.code
            );
        }
        assert!(Reason::ALL.len() > 150);
    }

    #[test]
    fn the_heuristic_catches_english_codes() {
        let codes = enum_codes();
        for bad in ["dissolved", "cut_off", "as_was", "xlsx", "province_staff"] {
            assert!(english_code(bad, &codes), "{bad}");
        }
        for fine in ["tháng", "tin", "XLSX", "YYYY-MM-DD", "dd", "MiB"] {
            assert!(!english_code(fine, &codes), "{fine}");
        }
    }

    #[test]
    fn messages_fill_in_labels_and_codes_go_to_args() {
        let r = Reason::StatusUnknown {
            allowed: vec![
                Term::new("active", "Đang hoạt động", "Active"),
                Term::new("dissolved", "Giải thể", "Dissolved"),
            ],
        };
        assert_eq!(r.code(), "status_unknown");
        assert_eq!(
            r.text(Language::Vi),
            "trạng thái phải là Đang hoạt động hoặc Giải thể"
        );
        assert_eq!(
            r.text(Language::En),
            "the status must be Active or Dissolved"
        );
        let nested = Reason::ValueAt {
            n: 2,
            problem: Box::new(r),
        };
        assert_eq!(
            nested.text(Language::En),
            "value 2: the status must be Active or Dissolved"
        );
        assert_eq!(
            serde_json::to_value(&nested).unwrap(),
            serde_json::json!({"reason": "value_at", "args": {"n": 2, "problem": {
                "reason": "status_unknown", "args": {"allowed": ["active", "dissolved"]}}}})
        );
    }
}
