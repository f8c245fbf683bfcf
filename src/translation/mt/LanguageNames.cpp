#include "translation/mt/LanguageNames.hpp"

#include <map>

namespace jb::translation {

namespace {

struct Names {
  const char* english;
  const char* native;
};

const std::map<std::string, Names, std::less<>>& table() {
  static const std::map<std::string, Names, std::less<>> names = {
      {"af", {"Afrikaans", "Afrikaans"}},
      {"an", {"Aragonese", "Aragonés"}},
      {"be", {"Belarusian", "Беларуская"}},
      {"bg", {"Bulgarian", "Български"}},
      {"br", {"Breton", "Brezhoneg"}},
      {"ca", {"Catalan", "Català"}},
      {"cs", {"Czech", "Čeština"}},
      {"cy", {"Welsh", "Cymraeg"}},
      {"da", {"Danish", "Dansk"}},
      {"de", {"German", "Deutsch"}},
      {"el", {"Greek", "Ελληνικά"}},
      {"en", {"English", "English"}},
      {"eo", {"Esperanto", "Esperanto"}},
      {"es", {"Spanish", "Español"}},
      {"et", {"Estonian", "Eesti"}},
      {"eu", {"Basque", "Euskara"}},
      {"fi", {"Finnish", "Suomi"}},
      {"fo", {"Faroese", "Føroyskt"}},
      {"fr", {"French", "Français"}},
      {"ga", {"Irish", "Gaeilge"}},
      {"gl", {"Galician", "Galego"}},
      {"hi", {"Hindi", "हिन्दी"}},
      {"hr", {"Croatian", "Hrvatski"}},
      {"is", {"Icelandic", "Íslenska"}},
      {"it", {"Italian", "Italiano"}},
      {"kk", {"Kazakh", "Қазақ тілі"}},
      {"lt", {"Lithuanian", "Lietuvių"}},
      {"lv", {"Latvian", "Latviešu"}},
      {"mk", {"Macedonian", "Македонски"}},
      {"mt", {"Maltese", "Malti"}},
      {"nb", {"Norwegian Bokmål", "Norsk bokmål"}},
      {"nl", {"Dutch", "Nederlands"}},
      {"nn", {"Norwegian Nynorsk", "Norsk nynorsk"}},
      {"oc", {"Occitan", "Occitan"}},
      {"pl", {"Polish", "Polski"}},
      {"pt", {"Portuguese", "Português"}},
      {"ro", {"Romanian", "Română"}},
      {"ru", {"Russian", "Русский"}},
      {"sc", {"Sardinian", "Sardu"}},
      {"sh", {"Serbo-Croatian", "Srpskohrvatski"}},
      {"sk", {"Slovak", "Slovenčina"}},
      {"sl", {"Slovenian", "Slovenščina"}},
      {"sq", {"Albanian", "Shqip"}},
      {"sr", {"Serbian", "Српски"}},
      {"sv", {"Swedish", "Svenska"}},
      {"tr", {"Turkish", "Türkçe"}},
      {"tt", {"Tatar", "Татарча"}},
      {"uk", {"Ukrainian", "Українська"}},
      {"ur", {"Urdu", "اردو"}},
  };
  return names;
}

}  // namespace

std::string LanguageNames::englishName(std::string_view code) {
  auto it = table().find(code);
  return it == table().end() ? std::string(code) : it->second.english;
}

std::string LanguageNames::nativeName(std::string_view code) {
  auto it = table().find(code);
  return it == table().end() ? std::string(code) : it->second.native;
}

bool LanguageNames::known(std::string_view code) {
  return table().count(code) != 0;
}

}  // namespace jb::translation
