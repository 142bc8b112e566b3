//! Parameters: `variables.tf` (the fixed variables of the Azure output, then one per model
//! parameter the output uses), and the random resources of generated parameters, both
//! written by the shared [`aspirec_hcl::params`].

use aspirec_hcl::params::variable;
use ir::{CheckedModel, ParamId};

use crate::emit::TfWriter;
use crate::names;

/// The blocks of `variables.tf`; `image_tag` when an app runs an image built from source.
pub(crate) fn variables(
    w: &mut TfWriter,
    model: &CheckedModel,
    used: &[ParamId],
    builds_images: bool,
) {
    variable(
        w,
        "location",
        "The Azure region of every resource",
        None,
        false,
    );
    variable(
        w,
        "resource_group_name",
        "The resource group that holds everything",
        Some(&format!("rg-{}", model.name())),
        false,
    );
    if builds_images {
        variable(
            w,
            "image_tag",
            "The tag of the images built from source",
            Some(&model.tag()),
            false,
        );
    }
    aspirec_hcl::params::variables(w, model, used, names::variable_name);
}

/// The random resources of generated parameters and their `locals` block; whether there
/// were any.
pub(crate) fn generated(w: &mut TfWriter, model: &CheckedModel, used: &[ParamId]) -> bool {
    aspirec_hcl::params::generated(w, model, used, names::variable_name)
}
