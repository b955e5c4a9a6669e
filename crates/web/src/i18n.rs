//! The message catalogue: every text of the UI, Vietnamese first, English
//! second. Templates call `t("key")`; a missing key shows as the key itself
//! (and the catalogue test fails).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The language comes from the `lang` cookie; Vietnamese by default.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(crate::security::cookie(&parts.headers, "lang")
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default())
    }
}

pub fn text(lang: Lang, key: &str) -> &str {
    match CATALOGUE.get(key) {
        Some((vi, en)) => match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
        None => key,
    }
}

/// The text of `key`, if the catalogue has one.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    CATALOGUE.get(key).map(|(vi, en)| match lang {
        Lang::Vi => *vi,
        Lang::En => *en,
    })
}

#[cfg(test)]
pub fn has(key: &str) -> bool {
    CATALOGUE.contains_key(key)
}

static CATALOGUE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| {
        MESSAGES
            .iter()
            .map(|(k, vi, en)| (*k, (*vi, *en)))
            .collect()
    });

const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "Bình Yên", "Binh Yen"),
    ("app.tagline", "Phong trào Toàn dân bảo vệ an ninh Tổ quốc", "All-people movement for national security"),
    ("nav.home", "Trang chủ", "Home"),
    ("field.action", "Thao tác", "Action"),
    ("field.value", "Số liệu", "Value"),
    ("field.reason", "Lý do", "Reason"),
    ("field.name", "Tên", "Name"),
    ("field.org_unit_id", "Đơn vị", "Unit"),
    ("field.org_unit", "Đơn vị", "Unit"),
    ("field.type_id", "Loại mô hình", "Model type"),
    ("field.founded_on", "Ngày thành lập", "Founded on"),
    ("field.code", "Mã", "Code"),
    ("field.period", "Kỳ báo cáo", "Period"),
    ("field.periods", "Các kỳ", "Periods"),
    ("field.data_set", "Bộ số liệu", "Data set"),
    ("field.password", "Mật khẩu", "Password"),
    ("field.new_password", "Mật khẩu mới", "New password"),
    ("field.confirm_password", "Nhập lại mật khẩu", "Repeat the password"),
    ("field.username", "Tên đăng nhập", "Username"),
    ("field.display_name", "Tên hiển thị", "Display name"),
    ("field.role", "Vai trò", "Role"),
    ("field.scopes", "Phạm vi", "Scope"),
    ("field.replicated_from", "Nhân rộng từ mô hình", "Replicated from"),
    ("field.date", "Ngày", "Date"),
    ("field.rated_on", "Ngày xếp loại", "Rated on"),
    ("field.year", "Năm", "Year"),
    ("field.status", "Trạng thái", "Status"),
    ("field.rating", "Xếp loại", "Rating"),
    ("field.kind", "Loại", "Kind"),
    ("field.level", "Cấp", "Level"),
    ("field.parent_id", "Đơn vị cấp trên", "Parent unit"),
    ("field.lat", "Vĩ độ", "Latitude"),
    ("field.lon", "Kinh độ", "Longitude"),
    ("field.description", "Mô tả", "Description"),
    ("field.file", "Tệp", "File"),
    ("field.q", "Từ khóa", "Search"),
    ("field.indicators", "Chỉ tiêu", "Indicators"),
    ("field.expression", "Biểu thức", "Expression"),
    ("field.deadline_days", "Số ngày được nhập sau kỳ", "Days to enter after the period"),
    ("field.approval_levels", "Các cấp duyệt", "Approval levels"),
    ("field.valid_from", "Hiệu lực từ", "Valid from"),
    ("field.targets", "Nơi áp dụng", "Where it applies"),
    ("field.sector", "Lĩnh vực", "Field"),
    ("field.field", "Lĩnh vực", "Field"),
    ("field.members", "Số thành viên", "Members"),
    ("field.households", "Số hộ", "Households"),
    ("field.decision_no", "Số quyết định", "Decision number"),
    ("field.decision_date", "Ngày quyết định", "Decision date"),
    ("field.comment", "Ghi chú", "Comment"),
    ("field.as_of", "Tại ngày", "As of"),
    ("field.founded_from", "Thành lập từ", "Founded from"),
    ("field.founded_to", "Thành lập đến", "Founded to"),
    ("field.page", "Trang", "Page"),
    ("picker.unit_hint", "Gõ vài chữ của tên (có dấu hay không đều được) rồi chọn trong danh sách gợi ý, hoặc ghi mã đơn vị hành chính (ví dụ 13669).", "Type part of the name (with or without diacritics) and pick a suggestion, or give the administrative code (e.g. 13669)."),
    ("picker.exemplar_hint", "Mô hình điển hình mà mô hình này học tập. Gõ vài chữ của tên rồi chọn trong danh sách gợi ý; để trống nếu không nhân rộng từ mô hình nào.", "The exemplar this model copies. Type part of its name and pick a suggestion; leave empty if none."),
    ("picker.scopes_hint", "Các đơn vị người dùng được làm việc, cách nhau bằng dấu chấm phẩy; gõ vài chữ của tên rồi chọn trong gợi ý, hoặc ghi mã. Để trống cho quản trị viên.", "The units the user works in, separated by semicolons; type part of a name and pick a suggestion, or give a code. Empty for administrators."),
    ("models.change_status", "Đổi trạng thái…", "Change the status…"),
    ("models.add_rating", "Xếp loại năm…", "Rate for a year…"),
    ("models.choose", "— Chọn —", "— Choose —"),
    ("home.title", "Việc cần làm", "To do"),
    ("home.hello", "Xin chào", "Hello"),
    ("home.todo", "Việc cần làm", "To do"),
    ("home.nothing_due", "Không có việc nào đến hạn. Các báo cáo đã nộp đúng hạn.", "Nothing is due. Reports are in on time."),
    ("home.due", "Báo cáo cần nhập, nộp hoặc sửa", "Reports to enter, submit or fix"),
    ("home.late_by", "Quá hạn", "Late by"),
    ("home.days", "ngày", "days"),
    ("home.due_today", "Hết hạn hôm nay", "Due today"),
    ("home.due_in", "Còn", "Due in"),
    ("home.see_all", "Xem tất cả", "See all"),
    ("home.waiting", "Báo cáo chờ tôi duyệt", "Reports waiting for my approval"),
    ("home.open_inbox", "Mở hộp duyệt báo cáo", "Open the approvals inbox"),
    ("home.to_rate", "Mô hình chưa xếp loại năm", "Models not yet rated for"),
    ("home.models_unrated", "mô hình đang hoạt động chưa được xếp loại tại", "active models not yet rated in"),
    ("home.models_active", "mô hình đang hoạt động", "active models"),
    ("home.models_new", "mô hình mới thành lập năm", "new models in"),
    ("home.exemplars", "điển hình tiên tiến", "exemplars"),
    ("home.reports", "Báo cáo kỳ gần nhất", "Reports of the last period"),
    ("home.approved_units", "đơn vị đã được duyệt", "units approved"),
    ("home.waiting_units", "chờ duyệt", "waiting for approval"),
    ("home.late_units", "quá hạn chưa nộp", "late, not sent"),
    ("home.shortcuts", "Lối tắt", "Shortcuts"),
    ("home.go.statistics", "Nhập và theo dõi báo cáo", "Enter and follow reports"),
    ("home.go.models", "Danh sách mô hình", "List of models"),
    ("home.go.org_units", "Tra cứu địa bàn", "Look up areas"),
    ("inbox.title", "Báo cáo chờ duyệt", "Reports waiting for approval"),
    ("inbox.reports", "báo cáo", "reports"),
    ("inbox.approved", "Đã duyệt", "Approved"),
    ("inbox.failed", "Không duyệt được", "Could not approve"),
    ("inbox.nothing_chosen", "Chưa chọn báo cáo nào. Đánh dấu các báo cáo cần duyệt rồi bấm lại.", "No report chosen. Tick the reports to approve and press again."),
    ("inbox.confirm_title", "Duyệt", "Approve"),
    ("inbox.confirm_help", "Số liệu của các báo cáo này sẽ được tính là đã duyệt ở cấp của bạn. Muốn trả lại một báo cáo, hãy mở báo cáo đó.", "These reports' figures will count as approved at your level. To return a report, open it."),
    ("inbox.approve_n", "Duyệt", "Approve"),
    ("inbox.cancel", "Thôi", "Cancel"),
    ("inbox.waiting", "báo cáo chờ bạn duyệt", "reports waiting for you"),
    ("inbox.first", "hiện", "showing"),
    ("inbox.sort", "Sắp xếp theo", "Sort by"),
    ("inbox.sort.deadline", "hạn nộp", "deadline"),
    ("inbox.sort.unit", "đơn vị", "unit"),
    ("inbox.sort.report", "báo cáo", "report"),
    ("inbox.choose", "Chọn", "Choose"),
    ("inbox.step", "Bước duyệt", "Approval step"),
    ("inbox.single_step", "Duyệt một cấp", "Single step"),
    ("inbox.sent", "Nộp lúc", "Sent"),
    ("inbox.approve_chosen", "Duyệt các báo cáo đã chọn…", "Approve the chosen reports…"),
    ("inbox.approve_all", "Chọn tất cả để duyệt", "Choose all to approve"),
    ("inbox.approve_help", "Bạn sẽ được hỏi lại trước khi duyệt.", "You will be asked to confirm first."),
    ("inbox.empty", "Không có báo cáo nào chờ bạn duyệt.", "No report is waiting for your approval."),
    ("nav.org_units", "Địa bàn", "Areas"),
    ("nav.skip", "Bỏ qua điều hướng", "Skip navigation"),
    ("nav.menu", "Danh mục", "Menu"),
    ("nav.language", "English", "Tiếng Việt"),
    ("nav.logout", "Đăng xuất", "Log out"),
    ("nav.back", "Quay lại", "Go back"),
    ("login.title", "Đăng nhập", "Log in"),
    ("login.username", "Tên đăng nhập", "Username"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    ("login.failed", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
    ("login.totp", "Mã xác thực hai lớp (nếu đã bật) hoặc mã khôi phục", "Two-factor code (if enabled) or a recovery code"),
    ("login.totp_required", "Tài khoản này bật xác thực hai lớp: hãy nhập mật khẩu và mã trên ứng dụng xác thực.", "This account uses two-factor authentication: enter the password and the code from your app."),
    ("login.totp_invalid", "Mã xác thực hai lớp không đúng.", "Wrong two-factor code."),
    ("login.throttled", "Đăng nhập sai nhiều lần. Vui lòng chờ rồi thử lại (sau 10 lần sai, tài khoản bị khóa 15 phút).", "Too many failed logins. Wait and try again (after 10 failures the account locks for 15 minutes)."),
    ("nav.account", "Tài khoản", "Account"),
    ("account.title", "Tài khoản của tôi", "My account"),
    ("account.who", "Thông tin", "Details"),
    ("account.name", "Họ tên", "Name"),
    ("account.role", "Vai trò", "Role"),
    ("account.must_change", "Mật khẩu của bạn vừa được đặt lại. Hãy đổi mật khẩu trước khi làm việc tiếp.", "Your password was reset. Change it before you continue."),
    ("account.password_changed", "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc và các mã API của bạn đã bị thu hồi.", "Password changed. Your other sessions were ended and your API tokens revoked."),
    ("account.session_ended", "Đã kết thúc phiên đăng nhập.", "The session was ended."),
    ("account.change_password", "Đổi mật khẩu", "Change password"),
    ("account.current_password", "Mật khẩu hiện tại", "Current password"),
    ("account.new_password", "Mật khẩu mới (ít nhất 10 ký tự)", "New password (at least 10 characters)"),
    ("account.confirm_password", "Nhập lại mật khẩu mới", "New password again"),
    ("account.two_factor", "Xác thực hai lớp", "Two-factor authentication"),
    ("account.two_factor_required", "Quản trị viên phải bật xác thực hai lớp trước khi làm việc.", "Administrators must turn on two-factor authentication first."),
    ("account.two_factor_off", "Chưa bật. Khi bật, mỗi lần đăng nhập cần thêm mã 6 số từ ứng dụng xác thực trên điện thoại.", "Off. When on, every login also needs a 6-digit code from an authenticator app."),
    ("account.two_factor_start", "Bật xác thực hai lớp", "Turn on two-factor authentication"),
    ("account.two_factor_scan", "Nhập khóa sau vào ứng dụng xác thực (Google Authenticator, FreeOTP, …), rồi nhập mã 6 số ứng dụng hiển thị.", "Enter this key in an authenticator app (Google Authenticator, FreeOTP, …), then the 6-digit code it shows."),
    ("account.two_factor_code", "Mã 6 số", "6-digit code"),
    ("account.two_factor_confirm", "Xác nhận", "Confirm"),
    ("account.two_factor_on", "Đã bật xác thực hai lớp.", "Two-factor authentication is on."),
    ("account.recovery_codes", "Mã khôi phục (mỗi mã dùng một lần khi mất điện thoại). Hãy lưu lại ngay: trang này chỉ hiện chúng một lần.", "Recovery codes (each works once if you lose your phone). Save them now: they are shown only this once."),
    ("account.two_factor_enabled", "Đang bật.", "On."),
    ("account.two_factor_disable", "Tắt xác thực hai lớp", "Turn off two-factor authentication"),
    ("account.two_factor_off_done", "Đã tắt xác thực hai lớp.", "Two-factor authentication is off."),
    ("account.sessions", "Các phiên đăng nhập", "Sessions"),
    ("account.started", "Bắt đầu", "Started"),
    ("account.last_seen", "Hoạt động gần nhất", "Last active"),
    ("account.this_session", "Phiên này", "This session"),
    ("account.end_session", "Kết thúc phiên", "End session"),
    ("nav.users", "Người dùng", "Users"),
    ("users.title", "Người dùng", "Users"),
    ("users.scope", "Phạm vi", "Scope"),
    ("users.state", "Trạng thái", "State"),
    ("users.everything", "toàn bộ", "everything"),
    ("users.disabled", "đã khóa", "disabled"),
    ("users.active", "đang dùng", "active"),
    ("users.must_change", "chờ đổi mật khẩu", "must change password"),
    ("users.new", "Thêm người dùng", "Add a user"),
    ("users.create", "Tạo tài khoản", "Create account"),
    ("users.initial_password", "Mật khẩu ban đầu (người dùng phải đổi khi đăng nhập lần đầu)", "Initial password (changed at first login)"),
    ("users.reset_password", "Đặt lại mật khẩu (bỏ trống nếu không đổi; người dùng phải đổi khi đăng nhập)", "Reset password (leave empty to keep; the user changes it at login)"),
    ("users.disable", "Khóa tài khoản (không xóa; kết thúc mọi phiên đăng nhập)", "Disable (never deleted; ends all sessions)"),
    ("users.saved", "Đã lưu.", "Saved."),
    ("nav.audit", "Nhật ký", "Audit log"),
    ("audit.title", "Nhật ký thay đổi", "Audit log"),
    ("audit.entity", "Đối tượng", "Entity"),
    ("audit.entity_id", "Mã đối tượng", "Entity id"),
    ("audit.from", "Từ ngày", "From"),
    ("audit.to", "Đến ngày", "To"),
    ("audit.csv", "Tải CSV", "Download CSV"),
    ("role.admin", "Quản trị hệ thống", "Administrator"),
    ("role.province_staff", "Cán bộ cấp tỉnh", "Province staff"),
    ("role.commune_officer", "Công an xã/phường", "Commune officer"),
    ("role.partner", "Cán bộ đơn vị phối hợp", "Partner officer"),
    ("role.viewer", "Lãnh đạo (chỉ xem)", "Leader (read only)"),
    ("level.province", "Tỉnh/thành phố", "Province"),
    ("level.district", "Quận/huyện (trước 01/7/2025)", "District (before 1 Jul 2025)"),
    ("level.commune", "Xã/phường/đặc khu", "Commune"),
    ("level.village", "Thôn/tổ dân phố", "Village / residential group"),
    ("level.site", "Cơ sở", "Site"),
    ("level.any", "Mọi cấp", "All levels"),
    ("kind.tinh", "Tỉnh", "Province"),
    ("kind.thanh_pho", "Thành phố", "City"),
    ("kind.quan", "Quận", "Urban district"),
    ("kind.huyen", "Huyện", "Rural district"),
    ("kind.thi_xa", "Thị xã", "Town"),
    ("kind.phuong", "Phường", "Ward"),
    ("kind.xa", "Xã", "Commune"),
    ("kind.thi_tran", "Thị trấn", "Township"),
    ("kind.dac_khu", "Đặc khu", "Special zone"),
    ("kind.thon", "Thôn", "Hamlet (thôn)"),
    ("kind.xom", "Xóm", "Hamlet (xóm)"),
    ("kind.lang", "Làng", "Village (làng)"),
    ("kind.ban", "Bản", "Village (bản)"),
    ("kind.ap", "Ấp", "Hamlet (ấp)"),
    ("kind.buon", "Buôn", "Village (buôn)"),
    ("kind.phum", "Phum", "Village (phum)"),
    ("kind.soc", "Sóc", "Village (sóc)"),
    ("kind.khom", "Khóm", "Neighbourhood (khóm)"),
    ("kind.to_dan_pho", "Tổ dân phố", "Residential group"),
    ("kind.khu_pho", "Khu phố", "Quarter (khu phố)"),
    ("kind.khu_dan_cu", "Khu dân cư", "Residential area"),
    ("succession.whole", "toàn bộ", "whole"),
    ("succession.split", "một phần", "part"),
    ("units.title", "Địa bàn", "Areas"),
    ("units.search", "Tìm theo tên (gõ không dấu cũng được)", "Search by name (diacritics optional)"),
    ("units.search_button", "Tìm", "Search"),
    ("units.as_of", "Tại ngày", "As of"),
    ("units.any_date", "Mọi thời điểm", "Any date"),
    ("units.level", "Cấp", "Level"),
    ("units.show", "Xem", "Show"),
    ("units.name", "Tên", "Name"),
    ("units.code", "Mã", "Code"),
    ("units.parent", "Thuộc", "Within"),
    ("units.validity", "Hiệu lực", "Valid"),
    ("units.from", "từ", "from"),
    ("units.to", "đến", "to"),
    ("units.open", "nay", "now"),
    ("units.ended", "đã kết thúc", "ended"),
    ("units.current", "đang hiệu lực", "current"),
    ("units.results", "kết quả", "results"),
    ("units.none", "Không có đơn vị nào.", "No units."),
    ("units.provinces_today", "Tỉnh, thành phố", "Provinces"),
    ("units.children", "Đơn vị trực thuộc", "Units within"),
    ("units.predecessors", "Hình thành từ", "Formed from"),
    ("units.successors", "Đã chuyển thành", "Became"),
    ("units.shares", "Chia số liệu cho các đơn vị kế thừa", "Dividing figures among the successors"),
    ("units.shares_help", "Trong góc nhìn \"như hiện nay\", số liệu cộng dồn (tổng, số cuối kỳ) của đơn vị này chia cho các đơn vị kế thừa theo tỷ lệ dưới đây (cộng lại 100%). Để trống tất cả: đơn vị kế thừa mặc định nhận toàn bộ. Số trung bình và số lớn nhất luôn thuộc đơn vị kế thừa mặc định.", "In the \"as it is now\" view, this unit's sums and stocks are divided among its successors by these shares (adding up to 100%). All blank: the default successor takes everything. Averages and maxima always go to the default successor."),
    ("units.shares_save", "Lưu tỷ lệ", "Save the shares"),
    ("units.default", "mặc định", "default"),
    ("units.details", "Thông tin", "Details"),
    ("units.kind", "Loại", "Kind"),
    ("units.address", "Địa chỉ", "Address"),
    ("units.coordinates", "Tọa độ", "Coordinates"),
    ("units.lat", "Vĩ độ", "Latitude"),
    ("units.lon", "Kinh độ", "Longitude"),
    ("units.subtree", "Số đơn vị trong địa bàn (theo cây lúc đó)", "Units within (tree as it was)"),
    ("units.reach", "Số đơn vị bao quát (gồm đơn vị cũ đã sáp nhập)", "Units covered (incl. merged legacy units)"),
    ("units.add_village", "Thêm thôn/tổ dân phố", "Add a village / residential group"),
    ("units.add_site", "Thêm cơ sở", "Add a site"),
    ("units.add", "Thêm", "Add"),
    ("units.edit", "Sửa thông tin", "Edit"),
    ("units.save", "Lưu", "Save"),
    ("units.cancel", "Hủy", "Cancel"),
    ("units.valid_from", "Ngày bắt đầu (không bắt buộc)", "Start date (optional)"),
    ("units.merge", "Gộp thôn/tổ dân phố", "Merge villages"),
    ("units.merge_help", "Chọn các thôn/tổ dân phố sẽ gộp thành một thôn mới từ ngày hiệu lực. Các thôn cũ kết thúc vào ngày trước đó và giữ nguyên lịch sử; các cơ sở của chúng chuyển sang thôn mới.", "Choose the villages that become one new village from the effective date. The old ones end the day before and keep their history; their sites move to the new village."),
    ("units.merge_sources", "Các thôn sẽ gộp", "Villages to merge"),
    ("units.split", "Chia thôn/tổ dân phố", "Split this village"),
    ("units.split_help", "Mỗi dòng là tên một thôn mới. Thôn hiện tại kết thúc vào ngày trước ngày hiệu lực; thôn mặc định nhận các cơ sở và số liệu cũ.", "One new village per line. This village ends the day before the effective date; the default part takes its sites and records."),
    ("units.split_parts", "Tên các thôn mới (mỗi dòng một tên)", "New villages (one name per line)"),
    ("units.default_part", "Thôn mặc định (số thứ tự dòng)", "Default part (line number)"),
    ("units.new_name", "Tên thôn mới", "Name of the new village"),
    ("units.effective", "Ngày hiệu lực", "Effective date"),
    ("units.history", "Lịch sử thay đổi", "Change history"),
    ("units.models_here", "Mô hình tại địa bàn này", "Models in this area"),
    ("units.add_model", "Thêm mô hình tại đây", "Add a model here"),
    ("units.when", "Thời điểm", "When"),
    ("units.who", "Người thực hiện", "Who"),
    ("units.action", "Thao tác", "Action"),
    ("units.system", "hệ thống", "system"),
    ("units.prev", "Trang trước", "Previous"),
    ("units.next", "Trang sau", "Next"),
    ("units.page", "Trang", "Page"),
    ("units.legacy_note", "Đơn vị hành chính trước ngày 01/7/2025", "Administrative unit before 1 July 2025"),
    ("units.today", "Hôm nay", "Today"),
    ("units.before_reform", "Trước sắp xếp (30/6/2025)", "Before the reform (30/6/2025)"),
    ("action.create", "tạo mới", "created"),
    ("action.update", "sửa", "edited"),
    ("action.merge", "gộp", "merged"),
    ("action.split", "chia", "split"),
    ("action.import", "nạp dữ liệu", "imported"),
    ("nav.models", "Mô hình", "Models"),
    ("nav.statistics", "Thống kê", "Statistics"),
    ("stats.def.indicator", "Chỉ tiêu", "Indicator"),
    ("stats.def.data_set", "Bộ số liệu", "Data set"),
    ("stats.def.rule", "Quy tắc kiểm tra", "Validation rule"),
    ("stats.def.new_indicator", "Thêm chỉ tiêu", "Add an indicator"),
    ("stats.def.new_data_set", "Thêm bộ số liệu", "Add a data set"),
    ("stats.def.new_rule", "Thêm quy tắc kiểm tra", "Add a validation rule"),
    ("stats.def.edit", "Sửa", "Edit"),
    ("stats.def.name", "Tên", "Name"),
    ("stats.def.code_hint", "Chữ thường không dấu, số và dấu gạch dưới; dùng trong quy tắc và tệp nhập. Không đổi được sau khi tạo.", "Lower-case letters, digits and underscores; used in rules and import files. Fixed once created."),
    ("stats.def.allow_negative", "Cho phép số âm", "Negative values allowed"),
    ("stats.def.min_value", "Giá trị nhỏ nhất", "Minimum"),
    ("stats.def.max_value", "Giá trị lớn nhất", "Maximum"),
    ("stats.def.bound_hint", "Để trống nếu không giới hạn.", "Leave blank for no bound."),
    ("stats.def.chain_hint", "Các cấp duyệt, từ thấp lên cao, phải ở trên cấp nhập số liệu.", "Approving levels, lowest first, above the entering level."),
    ("stats.def.indicators_hint", "Mã chỉ tiêu theo thứ tự trên biểu mẫu, mỗi dòng một mã. Mỗi chỉ tiêu chỉ thuộc một bộ số liệu.", "Indicator codes in form order, one per line. An indicator belongs to one data set."),
    ("stats.def.expression", "Biểu thức", "Expression"),
    ("stats.def.expression_hint", "So sánh các chỉ tiêu của cùng bộ, ví dụ: tin_bao_co_gia_tri <= tin_bao hoặc so_thanh_vien >= so_to * 3", "Compares the set's indicators, e.g. tin_bao_co_gia_tri <= tin_bao or so_thanh_vien >= so_to * 3"),
    ("stats.def.severity", "Mức độ", "Severity"),
    ("stats.def.message", "Thông báo khi vi phạm", "Message when broken"),
    ("stats.def.description", "Mô tả", "Description"),
    ("stats.def.active", "Đang dùng", "In use"),
    ("stats.def.save", "Lưu", "Save"),
    ("stats.import", "Nhập số liệu từ tệp", "Import figures from a file"),
    ("stats.import_help", "Mỗi dòng là một giá trị: một đơn vị, một kỳ, một chỉ tiêu. Đơn vị ghi bằng ID hoặc mã (mã xã, phường; với thôn hay cơ sở thì thêm cột Cấp đơn vị); mã được hiểu theo đơn vị mang mã đó trong kỳ, nên số liệu trước 1/7/2025 vào đúng xã cũ. Dòng để trống Giá trị được bỏ qua. Mọi dòng được kiểm tra trước (chỉ tiêu, phạm vi, kỳ, quy tắc, số liệu đã nộp hay đã duyệt); chỉ cần một dòng lỗi là không nhập giá trị nào.", "One value per row: a unit, a period, an indicator. Units by id or by code (a commune's code; for villages or sites add the unit level column); a code means the unit that carried it during the period, so figures before 1 July 2025 go to the legacy commune. Rows with a blank value are skipped. Every row is checked first (indicator, scope, period, bounds, submitted or approved figures); a single bad row means nothing is imported."),
    ("stats.import_columns", "Các cột", "Columns"),
    ("stats.import_nothing", "Chưa nhập giá trị nào. Sửa các lỗi dưới đây rồi tải lại tệp.", "Nothing was imported. Fix the problems below and upload the file again."),
    ("stats.imported", "Đã ghi giá trị", "Values written"),
    ("stats.template", "Tải bảng số liệu kỳ này để điền", "Download this period's sheet to fill in"),
    ("stats.template_help", "Bảng số liệu của một kỳ (mọi đơn vị nhập và chỉ tiêu, đã điền số đã có) tải ở trang", "A period's sheet (every entering unit and indicator, with the figures already entered) is downloaded from the page"),
    ("stats.title", "Số liệu thống kê phong trào", "Movement statistics"),
    ("stats.analytics", "Phân tích số liệu", "Analytics"),
    ("stats.dashboard", "Bảng tin số liệu", "Dashboard"),
    ("stats.definitions", "Chỉ tiêu và bộ số liệu", "Indicators and data sets"),
    ("stats.definitions_help", "Quản trị viên và cán bộ cấp tỉnh thêm, sửa chỉ tiêu, bộ số liệu và quy tắc kiểm tra tại đây hoặc qua API (/api/v1/indicators, /api/v1/data-sets, /api/v1/validation-rules). Chỉ tiêu hay bộ số liệu đã có số liệu thì không đổi được cách tổng hợp, loại kỳ, lịch kỳ hay cấp nhập.", "Administrators and province staff add and edit indicators, data sets and validation rules here or through the API (/api/v1/indicators, /api/v1/data-sets, /api/v1/validation-rules). Once figures exist, an indicator's aggregation and a data set's period type, calendar and entering level are fixed."),
    ("stats.no_sets", "Chưa có bộ số liệu nào.", "No data set yet."),
    ("stats.data_set", "Bộ số liệu", "Data set"),
    ("stats.period", "Kỳ báo cáo", "Period"),
    ("stats.period_help", "Kỳ: 2026-10 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng), 2026 (năm). Lịch kỳ:", "Period: 2026-10 (month), 2026-Q3 (quarter), 2026-H1 (half year), 2026 (year). Calendar:"),
    ("stats.calendar.months", "tháng dương lịch", "calendar months"),
    ("stats.calendar.cut_off", "từ ngày 15 tháng trước đến ngày 14 tháng báo cáo", "from the 15th of the previous month to the 14th"),
    ("stats.calendar.nov_oct", "năm đánh giá từ ngày 01/11 năm trước đến ngày 31/10", "the assessment year, 1 November of the year before to 31 October"),
    ("stats.deadline", "Hạn nhập", "Deadline"),
    ("stats.deadline_passed", "đã quá hạn", "deadline passed"),
    ("stats.units", "Đơn vị", "Units"),
    ("stats.entered", "Đã nhập", "Entered"),
    ("stats.submitted", "Đã nộp", "Submitted"),
    ("stats.approved", "Đã duyệt", "Approved"),
    ("stats.unit", "Đơn vị", "Unit"),
    ("stats.values", "Số chỉ tiêu đã nhập", "Values entered"),
    ("stats.state", "Trạng thái", "State"),
    ("stats.overdue", "quá hạn", "overdue"),
    ("stats.open_form", "Mở biểu nhập", "Open form"),
    ("stats.no_units", "Không có đơn vị nhập số liệu nào trong phạm vi đã chọn.", "No entering unit in the chosen area."),
    ("stats.previous", "Kỳ trước", "Previous period"),
    ("stats.next", "Kỳ sau", "Next period"),
    ("stats.chain", "Các cấp duyệt", "Approval levels"),
    ("stats.reason", "Lý do (bắt buộc khi trả lại hoặc hủy duyệt)", "Reason (required to return or un-approve)"),
    ("stats.saved_all", "Đã lưu số liệu.", "Figures saved."),
    ("stats.problems", "Kiểm tra số liệu", "Checks"),
    ("stats.error", "Lỗi", "Error"),
    ("stats.warning", "Cảnh báo", "Warning"),
    ("stats.explained", "đã có ghi chú", "explained"),
    ("stats.indicator", "Chỉ tiêu", "Indicator"),
    ("stats.value", "Số liệu", "Value"),
    ("stats.comment", "Ghi chú", "Comment"),
    ("stats.saved_state", "Trạng thái lưu", "Saved state"),
    ("stats.computed", "Nguồn số liệu", "Source of the figure"),
    ("stats.def.join", "Thêm vào biểu báo cáo", "Add to the form of"),
    ("stats.def.read_only", "Mục này thuộc danh mục quốc gia (hoặc của tỉnh khác): chỉ xem. Tỉnh có thể ẩn mục quốc gia ở trang Chỉ tiêu và bộ số liệu.", "This entry belongs to the national catalogue (or another province's): read only. A province may hide a national entry on the definitions page."),
    ("stats.def.join_none", "Chưa thêm vào biểu nào", "No form yet"),
    ("stats.def.join_hint", "Chỉ tiêu của tỉnh có thể thêm vào biểu quốc gia: chỉ các đơn vị của tỉnh thấy và nhập.", "A province's indicator may join a national form: only the province's units see and enter it."),
    ("stats.computed.none", "Nhập tay", "Typed by people"),
    ("stats.computed.models.active", "Tự tính: mô hình đang hoạt động vào ngày cuối kỳ", "Computed: models active on the period's last day"),
    ("stats.computed.models.new", "Tự tính: mô hình thành lập trong kỳ", "Computed: models founded during the period"),
    ("stats.computed.models.replicated", "Tự tính: mô hình nhân rộng từ điển hình trong kỳ", "Computed: replications of exemplars founded during the period"),
    ("stats.computed.models.exemplar", "Tự tính: điển hình tiên tiến đang hoạt động", "Computed: active exemplars"),
    ("stats.origin.register", "Tự tính, lưu khi gửi báo cáo", "Computed now, stored when the report is submitted"),
    ("stats.origin.computed", "Tự tính khi gửi báo cáo", "Computed when the report was submitted"),
    ("stats.origin.typed_before", "Nhập tay trước khi chỉ tiêu được tính tự động; giữ nguyên", "Typed before the indicator was computed; kept as typed"),
    ("stats.save_all", "Lưu tất cả", "Save all"),
    ("stats.autosave", "Mỗi ô được lưu ngay khi rời ô.", "Each field is saved when you leave it."),
    ("stats.locked", "Số liệu đã nộp hoặc đã duyệt nên không sửa được; cần trả lại hoặc rút lại trước.", "Submitted or approved figures are locked; return or withdraw them first."),
    ("stats.history", "Lịch sử nộp, duyệt", "Approval history"),
    ("stats.no_history", "Chưa có bước nào.", "No step yet."),
    ("stats.system", "Hệ thống", "System"),
    ("stats.indicators", "Chỉ tiêu (chọn nhiều bằng Ctrl)", "Indicators (Ctrl to pick several)"),
    ("stats.country", "Toàn quốc", "Whole country"),
    ("stats.level", "Chia theo cấp", "Break down by"),
    ("stats.level_self", "Không chia", "No breakdown"),
    ("stats.periods", "Các kỳ", "Periods"),
    ("stats.periods_help", "Nhiều kỳ cách nhau bởi dấu phẩy; tháng được cộng dồn lên quý, 6 tháng và năm theo cách tổng hợp của từng chỉ tiêu.", "Several periods separated by commas; months add up to quarters, halves and years by each indicator's aggregation."),
    ("stats.view", "Cách xem địa giới", "Boundaries"),
    ("stats.as_was", "Như lúc đó (địa giới từng kỳ)", "As it was (boundaries of each period)"),
    ("stats.as_now", "Như hiện nay (quy về đơn vị sau 01/7/2025)", "As it is now (mapped to units after 1 Jul 2025)"),
    ("stats.figures", "Số liệu", "Figures"),
    ("stats.approved_only", "Chỉ số liệu đã duyệt", "Approved only"),
    ("stats.all_entered", "Mọi số liệu đã nhập", "Everything entered"),
    ("stats.rows", "Hàng", "Rows"),
    ("stats.cols", "Cột", "Columns"),
    ("stats.dim.area", "Địa bàn", "Area"),
    ("stats.dim.period", "Kỳ", "Period"),
    ("stats.dim.indicator", "Chỉ tiêu", "Indicator"),
    ("stats.figures_found", "số liệu", "figures"),
    ("stats.no_figures", "Không có số liệu cho lựa chọn này.", "No figures for this choice."),
    ("stats.chart", "Biểu đồ", "Chart"),
    ("stats.map", "Bản đồ", "Map"),
    ("stats.pivot_name", "Tên bảng số liệu", "Name of this pivot"),
    ("stats.share", "Chia sẻ trong phạm vi", "Share within scope"),
    ("stats.save_pivot", "Lưu vào bảng tin", "Save to dashboard"),
    ("stats.shared_by", "Chia sẻ bởi", "Shared by"),
    ("stats.private", "Chỉ mình tôi", "Only me"),
    ("stats.delete_pivot", "Xóa khỏi bảng tin", "Remove from dashboard"),
    ("stats.no_pivots", "Chưa lưu bảng số liệu nào. Tạo một bảng ở trang", "No saved pivot yet. Make one on the page"),
    ("stats.period_type", "Loại kỳ", "Period type"),
    ("stats.calendar", "Lịch kỳ", "Calendar"),
    ("stats.entry", "Cấp nhập", "Entered by"),
    ("stats.deadline_days", "Hạn (ngày sau kỳ)", "Deadline (days after)"),
    ("stats.code", "Mã", "Code"),
    ("stats.unit_of", "Đơn vị tính", "Unit"),
    ("stats.aggregation", "Tổng hợp", "Aggregation"),
    ("stats.inactive", "ngừng dùng", "inactive"),
    ("stats.rules", "Quy tắc kiểm tra", "Validation rules"),
    ("stats.loose", "Chỉ tiêu chưa thuộc bộ số liệu", "Indicators outside any data set"),
    ("approval.done.submit", "Đã nộp báo cáo. Cấp trên sẽ duyệt; bạn có thể rút lại để sửa khi chưa được duyệt.", "Report submitted. It now waits for approval; you may withdraw it to fix until then."),
    ("approval.done.withdraw", "Đã rút lại báo cáo: có thể sửa rồi nộp lại.", "Report withdrawn: fix it and submit again."),
    ("approval.done.approve", "Đã duyệt báo cáo.", "Report approved."),
    ("approval.done.return", "Đã trả lại báo cáo kèm lý do; đơn vị sẽ thấy trên trang chủ của mình.", "Report returned with the reason; the unit sees it on its home page."),
    ("approval.done.unapprove", "Đã hủy duyệt báo cáo.", "Approval withdrawn."),
    ("stats.flagged_first", "Các dòng bị kiểm tra đánh dấu được xếp lên đầu", "Rows the checks flag come first"),
    ("stats.needs_comment", "cần ghi chú ở dòng này trước khi nộp", "add a comment on this row before submitting"),
    ("stats.value_refused", "Chưa lưu: sửa số này (ví dụ 1.234 hoặc 12,5)", "Not saved: fix this figure (e.g. 1.234 or 12,5)"),
    ("stats.bad_number", "Không đọc được số; nhập chữ số, ví dụ 1.234 hoặc 12,5", "Not a number; type digits, e.g. 1.234 or 12,5"),
    ("approval.draft", "Đang nhập", "Draft"),
    ("approval.returned", "Bị trả lại", "Returned"),
    ("approval.submitted", "Đã nộp, chờ duyệt", "Submitted"),
    ("approval.approved", "Đã duyệt", "Approved"),
    ("approval.do.submit", "Nộp số liệu", "Submit"),
    ("approval.do.withdraw", "Rút lại để sửa", "Withdraw"),
    ("approval.do.approve", "Duyệt", "Approve"),
    ("approval.do.return", "Trả lại", "Return"),
    ("approval.do.unapprove", "Hủy duyệt", "Un-approve"),
    ("approval.did.submit", "nộp", "submitted"),
    ("approval.did.withdraw", "rút lại", "withdrew"),
    ("approval.did.approve", "duyệt", "approved"),
    ("approval.did.return", "trả lại", "returned"),
    ("approval.did.unapprove", "hủy duyệt", "un-approved"),
    ("unit.count", "số lượng", "count"),
    ("unit.percent", "%", "%"),
    ("unit.money", "đồng", "VND"),
    ("aggregation.sum", "Cộng", "Sum"),
    ("aggregation.average", "Trung bình", "Average"),
    ("aggregation.last", "Số cuối kỳ", "Last value"),
    ("aggregation.max", "Lớn nhất", "Maximum"),
    ("period_type.month", "Tháng", "Month"),
    ("period_type.quarter", "Quý", "Quarter"),
    ("period_type.half", "6 tháng", "Half year"),
    ("period_type.year", "Năm", "Year"),
    ("stats.saving", "đang lưu…", "saving…"),
    ("stats.saved", "đã lưu", "saved"),
    ("models.title", "Mô hình, phong trào", "Movement models"),
    ("models.activities", "Hoạt động", "Activities"),
    ("models.activity_kind", "Loại hoạt động", "Kind of activity"),
    ("models.add_type", "Thêm loại mô hình", "Add a model type"),
    ("models.any", "Tất cả", "Any"),
    ("models.area", "Địa bàn", "Area"),
    ("models.as_of", "Tại ngày", "As of"),
    ("models.code", "Mã loại", "Type code"),
    ("models.code_hint", "Chữ thường không dấu, chữ số, dấu _ (vd. camera_an_ninh)", "Lower-case letters, digits, _ (e.g. camera_an_ninh)"),
    ("models.column", "Cột", "Column"),
    ("models.columns", "Cột theo", "Columns by"),
    ("models.coordinating_orgs", "Đơn vị phối hợp", "Coordinating organisations"),
    ("models.date", "Ngày", "Date"),
    ("models.decision", "Quyết định thành lập", "Founding decision"),
    ("models.decision_issuer", "Cơ quan ban hành", "Issued by"),
    ("models.decision_no", "Số quyết định", "Decision number"),
    ("models.description", "Nội dung", "Description"),
    ("models.details", "Thông tin mô hình", "Model details"),
    ("models.direct", "trực tiếp tại đơn vị", "at the unit itself"),
    ("models.edit", "Sửa mô hình", "Edit model"),
    ("models.exemplar", "Điển hình tiên tiến", "Exemplar"),
    ("models.exemplar_badge", "Điển hình", "Exemplar"),
    ("models.export_csv", "Tải CSV", "Download CSV"),
    ("models.export_xlsx", "Tải Excel", "Download Excel"),
    ("models.file", "Tệp Excel (.xlsx) hoặc CSV", "Excel (.xlsx) or CSV file"),
    ("models.file_hint", "Dòng đầu là tiêu đề cột, như tệp xuất ra. Tối đa", "The first row holds the column headers, as in an export. At most"),
    ("models.founded_from", "Thành lập từ", "Founded from"),
    ("models.founded_on", "Ngày thành lập", "Founded on"),
    ("models.founded_to", "Thành lập đến", "Founded until"),
    ("models.history", "Lịch sử thay đổi", "Change history"),
    ("models.households", "Số hộ tham gia", "Households taking part"),
    ("models.import", "Nhập từ tệp", "Import from a file"),
    ("import.preview", "Xem trước: tệp này sẽ làm gì", "Preview: what this file will do"),
    ("import.new", "thêm mới", "new"),
    ("import.changed", "sửa", "changed"),
    ("import.unchanged", "không đổi", "unchanged"),
    ("import.record", "Bản ghi", "Record"),
    ("import.before", "Trước", "Before"),
    ("import.after", "Sau", "After"),
    ("import.more_changes", "Chỉ liệt kê 1.000 dòng sửa đầu tiên; số đếm ở trên là đủ.", "Only the first 1,000 changed rows are listed; the counts above are whole."),
    ("import.confirm", "Xác nhận ghi", "Confirm and write"),
    ("import.nothing_to_do", "Tệp không thêm và không sửa gì: không cần ghi.", "The file adds and changes nothing: there is nothing to write."),
    ("import.stale", "Dữ liệu đã thay đổi kể từ lúc xem trước, chưa ghi gì. Đây là bản xem trước mới: kiểm tra rồi xác nhận lại.", "The data changed since the preview; nothing was written. This is the new preview: check it and confirm again."),
    ("import.written", "Đã ghi", "Written"),
    ("models.import_button", "Kiểm tra và xem trước", "Check and preview"),
    ("models.import_help", "Mỗi dòng là một mô hình. Cần các cột: Tên mô hình, Mã loại, Ngày thành lập và ID đơn vị (hoặc Mã đơn vị cùng Cấp đơn vị). Dòng có Mã mô hình (như tệp xuất) sửa mô hình đó; dòng không có thì thêm mới (hoặc sửa mô hình cùng loại, cùng tên, cùng đơn vị). Mọi dòng được kiểm tra trước và bạn xem trước những gì sẽ thay đổi; chỉ cần một dòng lỗi là không ghi dòng nào. Dòng bị xóa khỏi tệp không xóa mô hình.", "One model per row. Required columns: model name, type code, founding date and unit id (or unit code with its level). A row with the model id (as the export writes it) updates that model; a row without adds one (or updates the model of the same type, name and unit). Every row is checked first and you see what will change before anything is written; a single bad row means nothing is written. A row left out of the file deletes nothing."),
    ("models.import_nothing", "Chưa nhập dòng nào. Sửa các lỗi dưới đây rồi tải lại tệp.", "Nothing was imported. Fix the problems below and upload the file again."),
    ("models.import_refused", "Tệp có lỗi", "The file has problems"),
    ("models.import_report", "Tải báo cáo lỗi (Excel)", "Download the error report (Excel)"),
    ("models.import_template", "Tải tệp mẫu (cùng cột với tệp xuất)", "Download a template (the export's columns)"),
    ("models.in_use", "Xem các mô hình", "See its models"),
    ("models.lead_org", "Đơn vị chủ trì", "Lead organisation"),
    ("models.source", "Nguồn", "Source"),
    ("models.owner", "Danh mục", "Catalogue"),
    ("models.national", "Quốc gia", "National"),
    ("models.owner_hint", "Loại của tỉnh chỉ các đơn vị trong tỉnh thấy và dùng; danh mục quốc gia do quản trị viên giữ.", "A province's type is seen and used by its units only; administrators keep the national catalogue."),
    ("models.hidden", "Tỉnh đã ẩn", "Hidden here"),
    ("models.hide_here", "Ẩn ở tỉnh tôi", "Hide in my province"),
    ("models.types_import", "Nhập danh mục loại mô hình", "Load a type catalogue"),
    ("vocabulary.title", "Lĩnh vực và loại nơi", "Fields and kinds of place"),
    ("vocabulary.intro", "Lĩnh vực xếp loại mô hình theo mảng công tác; loại nơi là loại cơ sở (trường học, cơ sở tôn giáo, chợ …) mà đơn vị cơ sở có và loại mô hình áp dụng. Danh mục quốc gia do quản trị viên giữ; tỉnh thêm mục của mình mà không cần bản cập nhật phần mềm. Mã không đổi được; tên thì đổi được.", "Fields group model types by area of work; kinds of place are the kinds of sites (schools, religious establishments, markets …) that units have and model types apply to. Administrators keep the national lists; a province adds its own without a software release. Codes are fixed; names can change."),
    ("vocabulary.list.model-fields", "Lĩnh vực", "Fields"),
    ("vocabulary.hint.model-fields", "Mỗi loại mô hình thuộc một lĩnh vực; bảng tổng hợp mô hình có một cột cho mỗi lĩnh vực.", "Each model type belongs to one field; the models matrix has a column for each."),
    ("vocabulary.list.place-kinds", "Loại nơi", "Kinds of place"),
    ("vocabulary.hint.place-kinds", "Ngoài thôn, tổ dân phố và xã, phường, loại mô hình có thể áp dụng cho các loại cơ sở này.", "Besides villages and communes, model types may apply to these kinds of site."),
    ("vocabulary.name", "Tên", "Name"),
    ("vocabulary.code", "Mã", "Code"),
    ("vocabulary.rename", "Đổi tên", "Rename"),
    ("vocabulary.add.model-fields", "Thêm lĩnh vực", "Add a field"),
    ("vocabulary.add.place-kinds", "Thêm loại nơi", "Add a kind of place"),
    ("vocabulary.code_hint", "Để trống thì lấy từ tên (chữ không dấu, nối bằng _).", "Leave empty to make it from the name."),
    ("vocabulary.link", "Lĩnh vực và loại nơi", "Fields and kinds of place"),
    ("models.types_export", "Tải danh mục (Excel): cũng là mẫu để nhập", "Download the catalogue (Excel): also the template to load"),
    ("models.types_import_nothing", "Tệp có lỗi: chưa nhập loại mô hình nào. Sửa các dòng dưới đây rồi nhập lại cả tệp.", "The file has errors: no type was loaded. Mend the rows below and load the whole file again."),
    ("models.types_import_help", "Mỗi dòng là một loại mô hình. Mã mới được thêm vào danh mục đã chọn; mã đã có trong danh mục đó được cập nhật theo tệp; mã thuộc danh mục khác bị từ chối. Lĩnh vực và nơi áp dụng ghi bằng tên (nhiều nơi ngăn cách bằng dấu ;). Có lỗi ở bất kỳ dòng nào thì không nhập dòng nào.", "Each row is a model type. A new code joins the chosen catalogue; a code it has is updated from the file; a code of another catalogue is refused. Write fields and places by name (several places separated by ;). An error in any row loads no row."),
    ("models.show_here", "Dùng lại ở tỉnh tôi", "Use again in my province"),
    ("models.source_article", "Bài viết về phong trào", "The article on the movement"),
    ("models.source_example", "Ví dụ minh hoạ", "Illustrative example"),
    ("models.source_catalogue", "Danh mục cài sẵn (chưa cập nhật nguồn)", "Shipped catalogue (source not yet applied)"),
    ("models.source_user", "Do người dùng thêm", "Added by users"),
    ("models.leader", "Người phụ trách", "Leader"),
    ("models.leader_role", "Chức vụ người phụ trách", "Leader's role"),
    ("models.legal_basis", "Văn bản làm căn cứ", "Legal basis"),
    ("models.map_title", "Bản đồ mô hình đang hoạt động", "Map of active models"),
    ("models.map_legend", "Số mô hình", "Models"),
    ("models.matrix", "Ma trận mô hình", "Model matrix"),
    ("models.matrix_note", "Số mô hình đang hoạt động theo địa bàn và lĩnh vực, tại ngày", "Active models by area and field, on"),
    ("models.members", "Số thành viên", "Members"),
    ("models.more_than", "Hơn", "More than"),
    ("models.more_errors", "Chỉ hiện 500 lỗi đầu; báo cáo Excel có đủ.", "Only the first 500 problems are shown; the Excel report has them all."),
    ("models.name", "Tên mô hình", "Model name"),
    ("models.new", "Thêm mô hình", "Add a model"),
    ("models.new_status", "Trạng thái mới", "New status"),
    ("models.no", "Không", "No"),
    ("models.no_activities", "Chưa ghi hoạt động nào.", "No activity recorded yet."),
    ("models.no_ratings", "Chưa xếp loại.", "Not rated yet."),
    ("models.no_replicas", "Chưa có nơi nhân rộng.", "Not replicated yet."),
    ("models.none", "Không có mô hình nào.", "No models."),
    ("models.note", "Ghi chú", "Note"),
    ("models.participants", "Số người tham gia", "Participants"),
    ("models.partners", "Tổ chức tham gia", "Partner organisations"),
    ("models.problem", "Lỗi", "Problem"),
    ("models.quantity", "Kết quả (số)", "Result (number)"),
    ("models.rater", "Đơn vị đánh giá", "Rated by"),
    ("models.rating", "Xếp loại", "Rating"),
    ("models.ratings", "Xếp loại hằng năm", "Yearly ratings"),
    ("models.reason", "Lý do", "Reason"),
    ("models.record", "Ghi lại", "Record"),
    ("models.replicas", "Nhân rộng", "Replicas"),
    ("models.replicas_hidden", "nơi nhân rộng ngoài phạm vi của bạn.", "replicas outside your scope."),
    ("models.replicate", "Nhân rộng mô hình này", "Replicate this model"),
    ("models.replicated_from", "Nhân rộng từ", "Replicated from"),
    ("models.results", "mô hình", "models"),
    ("models.retire", "Ngừng áp dụng loại này", "Retire this type"),
    ("models.retire_hint", "Các mô hình đã có và lịch sử vẫn giữ nguyên.", "Its models and their history are kept."),
    ("models.retired", "Ngừng áp dụng", "Retired"),
    ("models.row", "Dòng", "Row"),
    ("models.rows_date", "Các địa bàn theo đơn vị hành chính ngày", "Areas as the administrative units stood on"),
    ("models.save", "Lưu", "Save"),
    ("models.search", "Tìm theo tên mô hình (gõ không dấu cũng được)", "Search by model name (diacritics optional)"),
    ("models.sector", "Lĩnh vực", "Field"),
    ("models.short_name", "Tên ngắn", "Short name"),
    ("models.since", "Từ", "Since"),
    ("models.sort", "Sắp xếp", "Sort"),
    ("models.sort_newest", "Mới nhập trước", "Newest first"),
    ("models.sort_name", "Theo tên", "By name"),
    ("models.sort_founded_on", "Thành lập sớm trước", "Oldest first"),
    ("models.sort_desc_founded_on", "Thành lập gần đây trước", "Most recently founded first"),
    ("models.status", "Trạng thái", "Status"),
    ("models.status_history", "Trạng thái qua thời gian", "Status over time"),
    ("models.tags", "Gắn với phong trào", "Combined with movements"),
    ("models.tags_hint", "Mỗi phong trào một dòng.", "One movement per line."),
    ("models.targets", "Áp dụng tại", "Deployed at"),
    ("models.total", "Tổng", "Total"),
    ("models.type", "Loại mô hình", "Model type"),
    ("models.type_name", "Tên loại mô hình", "Type name"),
    ("models.types", "Danh mục loại mô hình", "Model types"),
    ("models.unit", "Đơn vị", "Unit"),
    ("models.year", "Năm", "Year"),
    ("models.yes", "Có", "Yes"),
    ("model_status.active", "Đang hoạt động", "Active"),
    ("model_status.paused", "Tạm dừng", "Paused"),
    ("model_status.dissolved", "Giải thể", "Dissolved"),
    ("rating.good", "Tốt", "Good"),
    ("rating.fair", "Khá", "Fair"),
    ("rating.average", "Trung bình", "Average"),
    ("rating.weak", "Yếu", "Weak"),
    ("activity.meeting", "Sinh hoạt, họp", "Meeting"),
    ("activity.patrol", "Tuần tra", "Patrol"),
    ("activity.awareness", "Tuyên truyền", "Awareness session"),
    ("activity.result", "Kết quả", "Result"),
    ("activity.other", "Khác", "Other"),
    ("action.status", "đổi trạng thái", "status changed"),
    ("action.rate", "xếp loại", "rated"),
    ("action.activity", "ghi hoạt động", "activity logged"),
    ("action.load", "nạp danh mục", "catalogue loaded"),
    ("error.title", "Không thực hiện được", "Something went wrong"),
    ("error.not_found", "Không tìm thấy trang hoặc đơn vị này.", "This page or unit was not found."),
    ("error.bad_request", "Dữ liệu nhập chưa hợp lệ.", "The input is not valid."),
    ("error.forbidden", "Bạn không có quyền thực hiện thao tác này.", "You may not do this."),
    ("error.conflict", "Dữ liệu vừa bị thay đổi bởi thao tác khác; hãy tải lại trang.", "The data changed meanwhile; reload the page."),
    ("error.unavailable", "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.", "The database is unavailable. Try again in a few minutes."),
    ("error.internal", "Lỗi hệ thống. Sự cố đã được ghi lại.", "Internal error. It has been logged."),
    ("error.csrf", "Phiên làm việc không khớp; hãy tải lại trang và thử lại.", "The form expired; reload the page and try again."),
    ("error.field", "Trường", "Field"),
    ("error.too_large", "Dữ liệu hoặc tệp gửi lên quá lớn.", "What was sent is too large."),
    ("error.timeout", "Yêu cầu chạy quá lâu nên đã dừng. Hãy kiểm tra kết quả rồi thử lại.", "The request ran too long and was stopped. Check the result, then try again."),
    ("error.busy", "Máy chủ đang bận. Vui lòng thử lại sau ít giây.", "The server is busy. Try again in a few seconds."),
    ("footer.data", "Dữ liệu đơn vị hành chính: Cục Thống kê (Bộ Tài chính), qua gói vietnamadminunits (MIT).", "Administrative units: National Statistics Office (Ministry of Finance), via vietnamadminunits (MIT)."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = std::collections::HashSet::new();
        for (k, vi, en) in MESSAGES {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!vi.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = vec![dir.clone()];
        let mut checked = 0;
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split("t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if key.ends_with('.') {
                    // `t("kind." ~ k)`: the enums' keys are checked below.
                    continue;
                }
                assert!(has(key), "{}: missing key {key}", p.display());
                checked += 1;
            }
        }
        assert!(checked > 20);
    }

    #[test]
    fn every_value_shown_through_a_dynamic_key_has_one() {
        use domain::org_units::{Kind, Level};
        let mut keys: Vec<String> = Kind::ADMINISTRATIVE
            .iter()
            .map(|k| format!("kind.{}", k.as_str()))
            .collect();
        keys.extend(Level::ALL.iter().map(|l| format!("level.{}", l.as_str())));
        keys.extend(
            domain::accounts::Role::ALL
                .iter()
                .map(|r| format!("role.{}", r.as_str())),
        );
        keys.extend(["succession.whole", "succession.split"].map(String::from));
        for v in domain::vocabulary::Vocabulary::ALL {
            keys.extend(["list", "hint", "add"].map(|k| format!("vocabulary.{k}.{}", v.path())));
        }
        use domain::models::{ActivityKind, Rating, Status};
        keys.extend(
            Status::ALL
                .iter()
                .map(|s| format!("model_status.{}", s.as_str())),
        );
        keys.extend(Rating::ALL.iter().map(|s| format!("rating.{}", s.as_str())));
        keys.extend(
            ActivityKind::ALL
                .iter()
                .map(|s| format!("activity.{}", s.as_str())),
        );
        keys.extend(["status", "rate", "activity", "load"].map(|a| format!("action.{a}")));
        keys.extend(
            ["create", "update", "merge", "split", "import"].map(|a| format!("action.{a}")),
        );
        use domain::statistics::{Aggregation, ApprovalAction, Calendar, PeriodType, ValueUnit};
        keys.extend(
            ValueUnit::ALL
                .iter()
                .map(|u| format!("unit.{}", u.as_str())),
        );
        keys.extend(
            Aggregation::ALL
                .iter()
                .map(|a| format!("aggregation.{}", a.as_str())),
        );
        keys.extend(
            PeriodType::ALL
                .iter()
                .map(|p| format!("period_type.{}", p.as_str())),
        );
        keys.extend(
            Calendar::ALL
                .iter()
                .map(|c| format!("stats.calendar.{}", c.as_str())),
        );
        keys.extend(
            ["draft", "returned", "submitted", "approved"].map(|s| format!("approval.{s}")),
        );
        for a in ApprovalAction::ALL {
            keys.push(format!("approval.do.{}", a.as_str()));
            keys.push(format!("approval.did.{}", a.as_str()));
            keys.push(format!("approval.done.{}", a.as_str()));
        }
        keys.extend(["error", "warning"].map(|s| format!("stats.{s}")));
        keys.extend(["deadline", "unit", "report"].map(|s| format!("inbox.sort.{s}")));
        keys.extend(["area", "period", "indicator"].map(|s| format!("stats.dim.{s}")));
        for k in keys {
            assert!(has(&k), "missing {k}");
        }
    }
}
