//! The question types a lead form may ask: the spec's `LeadFormQuestionType` values, in its order.

pub const LEAD_FORM_QUESTION_TYPES: &[&str] = &[
    "CUSTOM",
    "FULL_NAME",
    "FIRST_NAME",
    "LAST_NAME",
    "EMAIL",
    "PHONE_NUMBER",
    "ZIP_CODE",
    "GENDER",
    "CITY",
    "COUNTRY",
    "STATE_PROVINCE",
    "ADDRESS",
    "DATE_OF_BIRTH",
    "AGE",
];
