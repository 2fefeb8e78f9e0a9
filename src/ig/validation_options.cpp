// ValidationOptions from YAML (walker.hpp: parse_validation_options, load_validation_options).
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "soc278/ig/walker.hpp"
#include "soc278/x12/values.hpp"

namespace soc278::ig {
namespace {

// yaml-cpp throws InvalidNode when asked the type of a missing key's node: ask IsDefined() first.
inline bool is_map(const YAML::Node& n) { return n.IsDefined() && n.IsMap(); }
inline bool is_seq(const YAML::Node& n) { return n.IsDefined() && n.IsSequence(); }
inline bool is_null(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }
inline bool is_scalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }

core::Result<ValidationOptions> options_from(const YAML::Node& root, std::string_view name) {
  auto fail = [&](const YAML::Node& at, const std::string& what) -> core::Result<ValidationOptions> {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", name, at.Mark().line + 1, what));
  };
  ValidationOptions o;
  if (is_null(root)) return o;
  if (!is_map(root)) return fail(root, "expected a mapping of option: value");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const std::string value = is_scalar(kv.second) ? kv.second.Scalar() : std::string();
    bool* flag = nullptr;
    if (key == "accept_space_padding") flag = &o.accept_space_padding;
    if (key == "accept_sv105") flag = &o.accept_sv105;
    if (key == "accept_tolerated") flag = &o.accept_tolerated;
    if (key == "accept_trailing_separators") flag = &o.accept_trailing_separators;
    if (key == "build_tree") flag = &o.build_tree;
    if (flag != nullptr) {
      if (value != "true" && value != "false") return fail(kv.second, fmt::format("{}: expected true or false, found '{}'", key, value));
      *flag = value == "true";
    } else if (key == "max_findings") {
      const auto n = x12::parse_integer(value);
      if (!n || *n < 1) return fail(kv.second, fmt::format("max_findings: expected a positive integer, found '{}'", value));
      o.max_findings = static_cast<std::size_t>(*n);
    } else {
      return fail(kv.first, fmt::format("unknown option '{}' (expected accept_space_padding, accept_sv105, accept_tolerated, "
                                        "accept_trailing_separators, max_findings or build_tree)",
                                        key));
    }
  }
  return o;
}

}  // namespace

core::Result<ValidationOptions> parse_validation_options(std::string_view yaml_text, std::string_view name) {
  try {
    return options_from(YAML::Load(std::string(yaml_text)), name);
  } catch (const YAML::Exception& e) {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", name, e.mark.line + 1, e.msg));
  }
}

core::Result<ValidationOptions> load_validation_options(const std::filesystem::path& yaml_file) {
  try {
    return options_from(YAML::LoadFile(yaml_file.string()), yaml_file.string());
  } catch (const YAML::Exception& e) {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", yaml_file.string(), e.mark.line + 1, e.msg));
  }
}

}  // namespace soc278::ig
