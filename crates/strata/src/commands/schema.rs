//! `strata schema module|config`: the JSON Schemas generated from the parsing types.

use strata_workspace::schema::{config_schema, module_schema};

use crate::ExitStatus;
use crate::args::{GlobalArgs, SchemaArgs, SchemaKind};
use crate::printer::Printer;

pub fn run(
    _global: &GlobalArgs,
    args: &SchemaArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    printer.out(&match args.which {
        SchemaKind::Module => module_schema(),
        SchemaKind::Config => config_schema(),
    })?;
    Ok(ExitStatus::Success)
}
