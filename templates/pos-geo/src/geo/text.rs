//! The words of the address fields, in Vietnamese and English side by side,
//! so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`GeoText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the address fields in one language.
        #[derive(Debug)]
        pub struct GeoText {
            $(pub $key: &'static str,)*
        }

        pub static VI: GeoText = GeoText { $($key: $vi,)* };
        pub static EN: GeoText = GeoText { $($key: $en,)* };
    };
}

texts! {
    area: "Địa giới hành chính", "Administrative area";
    scheme: "Cách ghi địa chỉ", "Address scheme";
    scheme_new: "Mới (từ 1/7/2025): tỉnh → xã/phường", "New (since 2025-07-01): province → commune";
    scheme_old: "Cũ: tỉnh → quận/huyện → xã/phường", "Old: province → district → commune";
    province: "Tỉnh/thành phố", "Province";
    district: "Quận/huyện", "District";
    commune: "Xã/phường", "Commune";
    choose: "— Chọn —", "— Choose —";
    no_list: "Chưa có danh sách địa giới: chạy `pancake geo sync` hoặc đặt POS_API_KEY.", "No list of areas yet: run `pancake geo sync` or set POS_API_KEY.";
}

pub fn text(lang: Lang) -> &'static GeoText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

/// An address that does not add up, worded for API clients in English and
/// for the pages in their language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoProblem {
    UnknownProvince,
    UnknownDistrict,
    UnknownCommune,
    NoDistrictsInNewScheme,
    DistrictOfAnotherProvince,
    CommuneOfAnotherProvince,
    CommuneOfAnotherDistrict,
}

impl GeoProblem {
    const ALL: [GeoProblem; 7] = [
        Self::UnknownProvince,
        Self::UnknownDistrict,
        Self::UnknownCommune,
        Self::NoDistrictsInNewScheme,
        Self::DistrictOfAnotherProvince,
        Self::CommuneOfAnotherProvince,
        Self::CommuneOfAnotherDistrict,
    ];

    pub fn english(self) -> &'static str {
        self.words().1
    }

    pub fn in_language(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.words().0,
            Lang::En => self.words().1,
        }
    }

    /// The problem an English wording stands for, if it is one of these.
    pub fn from_english(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|problem| problem.english() == text)
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::UnknownProvince => (
                "không có tỉnh/thành phố này (chạy `pancake geo sync`?)",
                "no such province (run `pancake geo sync`?)",
            ),
            Self::UnknownDistrict => ("không có quận/huyện này", "no such district"),
            Self::UnknownCommune => ("không có xã/phường này", "no such commune"),
            Self::NoDistrictsInNewScheme => (
                "tỉnh theo cách ghi mới không có quận/huyện",
                "provinces of the 2025 scheme have no districts",
            ),
            Self::DistrictOfAnotherProvince => (
                "quận/huyện không thuộc tỉnh đã chọn",
                "is not a district of the chosen province",
            ),
            Self::CommuneOfAnotherProvince => (
                "xã/phường không thuộc tỉnh đã chọn",
                "is not a commune of the chosen province",
            ),
            Self::CommuneOfAnotherDistrict => (
                "xã/phường không thuộc quận/huyện đã chọn",
                "is not a commune of the chosen district",
            ),
        }
    }
}
