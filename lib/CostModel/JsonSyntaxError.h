//===- JsonSyntaxError.h - where a JSON text stops being JSON ---*- C++ -*-===//
//
// Private to lib/CostModel: the descriptor and profile readers both report a
// syntax error with its byte offset, which nlohmann's parse() does not give.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_LIB_COSTMODEL_JSONSYNTAXERROR_H
#define MOE_LIB_COSTMODEL_JSONSYNTAXERROR_H

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace moe::cost::detail {

/// "malformed JSON at byte N: <what>" for text that does not parse. The SAX
/// hook sees every error, overflowing numbers ("1e999") included.
inline std::string describeJsonSyntaxError(std::string_view text) {
  using Json = nlohmann::json;
  struct Locator final : nlohmann::json_sax<Json> {
    size_t position = 0;
    std::string message = "not JSON";
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t &) override {
      return true;
    }
    bool string(string_t &) override { return true; }
    bool binary(binary_t &) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t &) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t pos, const std::string &,
                     const nlohmann::detail::exception &e) override {
      position = pos;
      message = e.what();
      // Drop nlohmann's "[json.exception.parse_error.101] " tag.
      size_t tagEnd = message.find("] ");
      if (!message.empty() && message[0] == '[' && tagEnd != std::string::npos)
        message.erase(0, tagEnd + 2);
      return false;
    }
  } locator;
  Json::sax_parse(text.begin(), text.end(), &locator);
  return "malformed JSON at byte " + std::to_string(locator.position) + ": " +
         locator.message;
}

} // namespace moe::cost::detail

#endif // MOE_LIB_COSTMODEL_JSONSYNTAXERROR_H
