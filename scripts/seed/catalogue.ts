import { Types } from 'mongoose'
import { storeImage } from '#app/utils/images.server'
import { addVersion, assignDesigner, BrandModel, commentOnRequest, createBrandingRequest } from '#models/branding.server'
import { FamilyModel } from '#models/family.server'
import { ProductModel, requestProductChanges, setCraftStock, type Category, type ProductInput, type Texts } from '#models/product.server'
import { UserModel } from '#models/user.server'
import { makeBrand, makeCatalogueProduct, productPhoto } from '#tests/factories/catalogue'
import { makeLot } from '#tests/factories/lots'

/**
 * The catalogue of the demo families (the accepted households of the applications step): about
 * sixty products in every category, with generated photos, a brand each made through the real
 * branding workflow, and for food a QC-passed lot so the rule "food needs a lot" holds. A few
 * products stay submitted (waiting for a lot), sent back or in draft, and two branding requests are
 * open, so every page has something to show.
 */

const t = (az: string, en: string, ru: string): Texts => ({ az, en, ru })
const DAY = 86_400_000

type Item = {
  category: Category
  title: Texts
  short: Texts
  price: number
  /** food: ingredients; craft: materials */
  made: Texts
  size?: Texts
  shelfLifeDays?: number
  allergens?: string[]
  dimensions?: string
  oneOfAKind?: boolean
  state?: 'listed' | 'submitted' | 'draft' | 'changes_requested'
  stock?: number
}

type Maker = { email: string; brand: string; colour: string; factory: string; story: Texts; items: Item[] }

const jar = t('370 q', '370 g', '370 г')
const bottle = t('0,5 l', '0.5 l', '0,5 л')
const pack = t('250 q', '250 g', '250 г')

const MAKERS: Maker[] = [
  {
    email: 'family@demo.abad.az',
    brand: 'Qırmızı Qəsəbə Bağları',
    colour: '#8c2f39',
    factory: 'GUB',
    story: t(
      'Qubanın Qırmızı Qəsəbəsində üç nəsildir meyvə bişiririk. Heyvanı, zoğalı və almanı öz bağımızdan yığırıq, mis qazanda yavaş odda bişiririk.',
      'Three generations of our family have cooked fruit in Qırmızı Qəsəbə, Guba. We pick the quinces, cornels and apples in our own orchard and cook them slowly in copper pans.',
      'Три поколения нашей семьи варят фрукты в Красной Слободе, Губа. Айву, кизил и яблоки собираем в своём саду и варим на медленном огне в медных тазах.',
    ),
    items: [
      { category: 'jam', title: t('Heyva mürəbbəsi', 'Quince jam', 'Айвовое варенье'), short: t('Dilim-dilim heyva, qalın şirədə', 'Quince slices in a thick syrup', 'Дольки айвы в густом сиропе'), price: 900, made: t('heyva, şəkər, su, limon turşusu', 'quince, sugar, water, citric acid', 'айва, сахар, вода, лимонная кислота'), size: jar, shelfLifeDays: 540 },
      { category: 'jam', title: t('Zoğal mürəbbəsi', 'Cornel jam', 'Кизиловое варенье'), short: t('Turşməzə, dağ zoğalından', 'Tart, from mountain cornels', 'Кисло-сладкое, из горного кизила'), price: 1100, made: t('zoğal, şəkər, su', 'cornels, sugar, water', 'кизил, сахар, вода'), size: jar, shelfLifeDays: 540 },
      { category: 'jam', title: t('Qoz mürəbbəsi', 'Green walnut jam', 'Варенье из зелёных орехов'), short: t('Yaşıl qozdan, qərənfillə', 'Green walnuts with cloves', 'Зелёные орехи с гвоздикой'), price: 1500, made: t('yaşıl qoz, şəkər, su, qərənfil', 'green walnuts, sugar, water, cloves', 'зелёные орехи, сахар, вода, гвоздика'), size: jar, shelfLifeDays: 720, allergens: ['nuts'] },
      { category: 'jam', title: t('Alma cemi', 'Apple jam', 'Яблочный джем'), short: t('Quba almasından, darçınla', 'Guba apples with cinnamon', 'Губинские яблоки с корицей'), price: 800, made: t('alma, şəkər, darçın', 'apples, sugar, cinnamon', 'яблоки, сахар, корица'), size: jar, shelfLifeDays: 365 },
      { category: 'jam', title: t('Əzgil mürəbbəsi', 'Medlar jam', 'Варенье из мушмулы'), short: t('Payız əzgilindən', 'From autumn medlars', 'Из осенней мушмулы'), price: 1250, made: t('əzgil, şəkər, su', 'medlars, sugar, water', 'мушмула, сахар, вода'), size: jar, shelfLifeDays: 540 },
      { category: 'jam', title: t('Albalı mürəbbəsi', 'Sour cherry jam', 'Вишнёвое варенье'), short: t('Çəyirdəksiz albalı', 'Pitted sour cherries', 'Вишня без косточек'), price: 1000, made: t('albalı, şəkər', 'sour cherries, sugar', 'вишня, сахар'), size: jar, shelfLifeDays: 540, state: 'submitted' },
      { category: 'dried_fruit', title: t('Alma qurusu', 'Dried apple rings', 'Сушёные яблочные кольца'), short: t('Günəşdə qurudulmuş', 'Sun-dried', 'Высушены на солнце'), price: 700, made: t('alma', 'apples', 'яблоки'), size: pack, shelfLifeDays: 365 },
      { category: 'dried_fruit', title: t('Zoğal qurusu', 'Dried cornels', 'Сушёный кизил'), short: t('Lavaşa və plova', 'For lavash and pilaf', 'Для лаваша и плова'), price: 950, made: t('zoğal', 'cornels', 'кизил'), size: pack, shelfLifeDays: 365 },
      { category: 'pickles', title: t('Badımcan turşusu', 'Pickled aubergines', 'Маринованные баклажаны'), short: t('Sarımsaq və göyərti ilə', 'With garlic and herbs', 'С чесноком и зеленью'), price: 850, made: t('badımcan, sarımsaq, göyərti, sirkə, duz', 'aubergines, garlic, herbs, vinegar, salt', 'баклажаны, чеснок, зелень, уксус, соль'), size: jar, shelfLifeDays: 365 },
      { category: 'pickles', title: t('Kələm turşusu', 'Pickled cabbage', 'Квашеная капуста'), short: t('Çuğundurla, çəhrayı', 'Pink, with beetroot', 'Розовая, со свёклой'), price: 600, made: t('kələm, çuğundur, sarımsaq, duz', 'cabbage, beetroot, garlic, salt', 'капуста, свёкла, чеснок, соль'), size: jar, shelfLifeDays: 240 },
      { category: 'pickles', title: t('Göy pomidor turşusu', 'Pickled green tomatoes', 'Маринованные зелёные помидоры'), short: t('Quba üsulu ilə', 'The Guba way', 'По-губински'), price: 700, made: t('göy pomidor, sarımsaq, şüyüd, duz', 'green tomatoes, garlic, dill, salt', 'зелёные помидоры, чеснок, укроп, соль'), size: jar, shelfLifeDays: 365, state: 'draft' },
      { category: 'beverages', title: t('Zoğal kompotu', 'Cornel compote', 'Кизиловый компот'), short: t('Az şəkərli', 'Lightly sweetened', 'Слабосладкий'), price: 550, made: t('zoğal, su, şəkər', 'cornels, water, sugar', 'кизил, вода, сахар'), size: bottle, shelfLifeDays: 365 },
      { category: 'beverages', title: t('Alma sirkəsi', 'Apple cider vinegar', 'Яблочный уксус'), short: t('Təbii qıcqırma', 'Naturally fermented', 'Естественного брожения'), price: 650, made: t('alma', 'apples', 'яблоки'), size: bottle, shelfLifeDays: 720 },
    ],
  },
  {
    email: 'family.balakan@demo.abad.az',
    brand: 'Balakən Süfrəsi',
    colour: '#5b7d2a',
    factory: 'BLK',
    story: t(
      'Balakənin meşə kəndində fındıq və qoz bağlarımız var. Bal, quru meyvə və evdə bişirilmiş çörək ailəmizin gündəlik işidir.',
      'We keep hazelnut and walnut groves in a forest village of Balakan. Honey, dried fruit and home-baked bread are our family’s daily work.',
      'У нас фундуковые и ореховые сады в лесной деревне Балакена. Мёд, сухофрукты и домашний хлеб — наша ежедневная работа.',
    ),
    items: [
      { category: 'dried_fruit', title: t('Qovrulmuş fındıq', 'Roasted hazelnuts', 'Жареный фундук'), short: t('Balakən fındığı, duzsuz', 'Balakan hazelnuts, unsalted', 'Балакенский фундук, без соли'), price: 1400, made: t('fındıq', 'hazelnuts', 'фундук'), size: pack, shelfLifeDays: 270, allergens: ['nuts'] },
      { category: 'dried_fruit', title: t('Qoz ləpəsi', 'Walnut kernels', 'Ядра грецкого ореха'), short: t('Əl ilə təmizlənib', 'Shelled by hand', 'Очищены вручную'), price: 1800, made: t('qoz', 'walnuts', 'грецкие орехи'), size: pack, shelfLifeDays: 270, allergens: ['nuts'] },
      { category: 'dried_fruit', title: t('Xurma qurusu', 'Dried persimmons', 'Сушёная хурма'), short: t('Balakən xurması, ipdə qurudulub', 'Balakan persimmons, dried on strings', 'Балакенская хурма, сушёная на нитях'), price: 1600, made: t('xurma', 'persimmons', 'хурма'), size: pack, shelfLifeDays: 240 },
      { category: 'dried_fruit', title: t('Alça qurusu', 'Dried cherry plums', 'Сушёная алыча'), short: t('Turş, lavaşa', 'Sour, for lavash', 'Кислая, для лаваша'), price: 900, made: t('alça', 'cherry plums', 'алыча'), size: pack, shelfLifeDays: 365 },
      { category: 'jam', title: t('Şabalıd balı', 'Chestnut honey', 'Каштановый мёд'), short: t('Tünd və acımtıl', 'Dark and slightly bitter', 'Тёмный, с горчинкой'), price: 2500, made: t('bal', 'honey', 'мёд'), size: jar, shelfLifeDays: 1095 },
      { category: 'jam', title: t('Çiçək balı', 'Wildflower honey', 'Цветочный мёд'), short: t('Dağ çəmənliklərindən', 'From mountain meadows', 'С горных лугов'), price: 2200, made: t('bal', 'honey', 'мёд'), size: jar, shelfLifeDays: 1095 },
      { category: 'flour', title: t('Qarğıdalı unu', 'Cornmeal', 'Кукурузная мука'), short: t('Daş dəyirmanda üyüdülüb', 'Stone-ground', 'Мельница с каменными жерновами'), price: 450, made: t('qarğıdalı', 'maize', 'кукуруза'), size: t('1 kq', '1 kg', '1 кг'), shelfLifeDays: 180 },
      { category: 'flour', title: t('Təndir çörəyi', 'Tandoor bread', 'Хлеб из тандыра'), short: t('Hər səhər bişirilir', 'Baked every morning', 'Выпекается каждое утро'), price: 150, made: t('buğda unu, su, duz, maya', 'wheat flour, water, salt, yeast', 'пшеничная мука, вода, соль, дрожжи'), size: t('1 ədəd', '1 loaf', '1 шт.'), shelfLifeDays: 3, allergens: ['gluten'] },
      { category: 'flour', title: t('Fındıqlı qoğal', 'Hazelnut qogal', 'Кята с фундуком'), short: t('Novruz şirniyyatı', 'A Novruz pastry', 'Сладость к Новрузу'), price: 300, made: t('un, yağ, fındıq, şəkər, zerdəçal', 'flour, butter, hazelnuts, sugar, turmeric', 'мука, масло, фундук, сахар, куркума'), size: t('4 ədəd', '4 pieces', '4 шт.'), shelfLifeDays: 14, allergens: ['gluten', 'milk', 'nuts'], state: 'changes_requested' },
      { category: 'cheese', title: t('Balakən şor pendiri', 'Balakan brined cheese', 'Балакенский рассольный сыр'), short: t('Camış südündən', 'From buffalo milk', 'Из молока буйволицы'), price: 1300, made: t('camış südü, duz, maya', 'buffalo milk, salt, rennet', 'молоко буйволицы, соль, фермент'), size: t('500 q', '500 g', '500 г'), shelfLifeDays: 60, allergens: ['milk'] },
      { category: 'cheese', title: t('Qatıq', 'Qatiq yoghurt', 'Катык'), short: t('Ev mayası ilə', 'With our own culture', 'На домашней закваске'), price: 350, made: t('inək südü, maya', 'cow’s milk, culture', 'коровье молоко, закваска'), size: t('500 q', '500 g', '500 г'), shelfLifeDays: 10, allergens: ['milk'] },
      { category: 'sausage', title: t('Qaxac', 'Qaxac dried beef', 'Вяленая говядина «гахадж»'), short: t('Dağ havasında qurudulub', 'Dried in mountain air', 'Вялена на горном воздухе'), price: 3200, made: t('mal əti, duz, istiot', 'beef, salt, pepper', 'говядина, соль, перец'), size: t('300 q', '300 g', '300 г'), shelfLifeDays: 120 },
    ],
  },
  {
    email: 'rovshan.lankaran@demo.abad.az',
    brand: 'Lənkəran Çay Evi',
    colour: '#2f6b4f',
    factory: 'LNK',
    story: t(
      'Lənkəranın çay plantasiyalarında böyümüşük. Çayı əl ilə yığır, kiçik partiyalarla qurudub qablaşdırırıq.',
      'We grew up on the tea plantations of Lankaran. We pick the tea by hand and dry and pack it in small batches.',
      'Мы выросли на чайных плантациях Ленкорани. Собираем чай вручную, сушим и фасуем небольшими партиями.',
    ),
    items: [
      { category: 'tea', title: t('Lənkəran qara çayı', 'Lankaran black tea', 'Ленкоранский чёрный чай'), short: t('Yarpaq çay, yay yığımı', 'Loose leaf, summer picking', 'Листовой, летний сбор'), price: 800, made: t('qara çay', 'black tea', 'чёрный чай'), size: pack, shelfLifeDays: 720 },
      { category: 'tea', title: t('Kəklikotu çayı', 'Thyme tea', 'Чай с чабрецом'), short: t('Dağ kəklikotu ilə', 'With mountain thyme', 'С горным чабрецом'), price: 650, made: t('qara çay, kəklikotu', 'black tea, thyme', 'чёрный чай, чабрец'), size: pack, shelfLifeDays: 720 },
      { category: 'tea', title: t('Qızılgül çayı', 'Rose tea', 'Чай с розой'), short: t('Qurudulmuş qızılgül ləçəkləri', 'Dried rose petals', 'Сушёные лепестки роз'), price: 900, made: t('qara çay, qızılgül ləçəkləri', 'black tea, rose petals', 'чёрный чай, лепестки роз'), size: pack, shelfLifeDays: 720 },
      { category: 'tea', title: t('Yaşıl çay', 'Green tea', 'Зелёный чай'), short: t('Yüngül, bahar yığımı', 'Light, spring picking', 'Лёгкий, весенний сбор'), price: 850, made: t('yaşıl çay', 'green tea', 'зелёный чай'), size: pack, shelfLifeDays: 540 },
      { category: 'tea', title: t('Cökə çayı', 'Linden blossom tea', 'Липовый чай'), short: t('Soyuqdəymədə', 'For a cold winter evening', 'Для холодного вечера'), price: 700, made: t('cökə çiçəyi', 'linden blossom', 'цветы липы'), size: t('100 q', '100 g', '100 г'), shelfLifeDays: 540 },
      { category: 'tea', title: t('Feyxoa çayı', 'Feijoa tea', 'Чай с фейхоа'), short: t('Lənkəran feyxoası ilə', 'With Lankaran feijoa', 'С ленкоранской фейхоа'), price: 950, made: t('qara çay, feyxoa', 'black tea, feijoa', 'чёрный чай, фейхоа'), size: pack, shelfLifeDays: 540, state: 'submitted' },
      { category: 'pickles', title: t('Narşərab', 'Narsharab pomegranate sauce', 'Наршараб'), short: t('Balığa və kababa', 'For fish and kebab', 'К рыбе и шашлыку'), price: 1100, made: t('nar', 'pomegranates', 'гранат'), size: t('330 ml', '330 ml', '330 мл'), shelfLifeDays: 720 },
      { category: 'pickles', title: t('Feyxoa cemi', 'Feijoa preserve', 'Фейхоа, протёртая с сахаром'), short: t('Çiy, şəkərlə əzilmiş', 'Raw, crushed with sugar', 'Сырая, протёртая с сахаром'), price: 1200, made: t('feyxoa, şəkər', 'feijoa, sugar', 'фейхоа, сахар'), size: jar, shelfLifeDays: 180 },
      { category: 'beverages', title: t('Nar şirəsi', 'Pomegranate juice', 'Гранатовый сок'), short: t('Təzə sıxılmış, pasterizə', 'Pressed and pasteurised', 'Прямого отжима'), price: 700, made: t('nar', 'pomegranates', 'гранат'), size: bottle, shelfLifeDays: 365 },
      { category: 'beverages', title: t('Limon şərbəti', 'Lemon sherbet', 'Лимонный шербет'), short: t('Nanə ilə', 'With mint', 'С мятой'), price: 500, made: t('limon, şəkər, nanə, su', 'lemons, sugar, mint, water', 'лимоны, сахар, мята, вода'), size: bottle, shelfLifeDays: 180 },
      { category: 'sausage', title: t('Ləvəngi toyuq', 'Lavangi stuffed chicken', 'Лявянги из курицы'), short: t('Qoz və alça ilə doldurulmuş, dondurulmuş', 'Stuffed with walnuts and plum, frozen', 'Фаршированная орехами и алычой, замороженная'), price: 2400, made: t('toyuq, qoz, alça, soğan', 'chicken, walnuts, cherry plum, onion', 'курица, грецкий орех, алыча, лук'), size: t('1,2 kq', '1.2 kg', '1,2 кг'), shelfLifeDays: 90, allergens: ['nuts'] },
    ],
  },
  {
    email: 'leyla.sheki@demo.abad.az',
    brand: 'Şəki Ustaları',
    colour: '#7a4b2a',
    factory: 'SHK',
    story: t(
      'Şəkidə babamızdan qalan emalatxanada ağac oyur, şəbəkə düzəldir, kəlağayı naxışlayırıq.',
      'In Sheki we carve wood, assemble shebeke lattice and decorate kelaghayi scarves in the workshop our grandfather left us.',
      'В Шеки, в мастерской, оставшейся от деда, мы режем по дереву, собираем шебеке и расписываем келагаи.',
    ),
    items: [
      { category: 'woodwork', title: t('Şəbəkə pəncərə paneli', 'Shebeke window panel', 'Панно шебеке'), short: t('Mismarsız, rəngli şüşə ilə', 'No nails, coloured glass', 'Без гвоздей, с цветным стеклом'), price: 45000, made: t('qoz ağacı, rəngli şüşə', 'walnut wood, coloured glass', 'орех, цветное стекло'), dimensions: '60 × 40 cm', oneOfAKind: true, stock: 1 },
      { category: 'woodwork', title: t('Oyma qoz qutusu', 'Carved walnut box', 'Резная шкатулка из ореха'), short: t('Əl ilə oyulmuş naxışlar', 'Hand-carved patterns', 'Ручная резьба'), price: 6500, made: t('qoz ağacı', 'walnut wood', 'орех'), dimensions: '20 × 12 × 8 cm', stock: 6 },
      { category: 'woodwork', title: t('Taxta qaşıq dəsti', 'Wooden spoon set', 'Набор деревянных ложек'), short: t('6 qaşıq, armud ağacı', '6 spoons, pear wood', '6 ложек, груша'), price: 3000, made: t('armud ağacı', 'pear wood', 'груша'), dimensions: '25 cm', stock: 10 },
      { category: 'woodwork', title: t('Nərd taxtası', 'Backgammon board', 'Нарды'), short: t('İnkrustasiyalı', 'With inlay', 'С инкрустацией'), price: 12000, made: t('qoz ağacı, sədəf', 'walnut wood, mother of pearl', 'орех, перламутр'), dimensions: '50 × 30 cm', stock: 3 },
      { category: 'woodwork', title: t('Oyma çörək taxtası', 'Carved bread board', 'Резная хлебная доска'), short: t('Şəki naxışı ilə', 'With a Sheki pattern', 'С шекинским узором'), price: 2800, made: t('palıd', 'oak', 'дуб'), dimensions: '40 × 25 cm', stock: 8 },
      { category: 'woodwork', title: t('Şəbəkə güzgü çərçivəsi', 'Shebeke mirror frame', 'Зеркало в раме шебеке'), short: t('Divar güzgüsü', 'A wall mirror', 'Настенное зеркало'), price: 18000, made: t('qoz ağacı, rəngli şüşə, güzgü', 'walnut wood, coloured glass, mirror', 'орех, цветное стекло, зеркало'), dimensions: '50 × 50 cm', oneOfAKind: true, state: 'submitted', stock: 0 },
      { category: 'souvenirs', title: t('Kəlağayı', 'Silk kelaghayi scarf', 'Шёлковый келагаи'), short: t('Basma naxışlı ipək', 'Block-printed silk', 'Шёлк с набойкой'), price: 4500, made: t('ipək', 'silk', 'шёлк'), dimensions: '90 × 90 cm', stock: 12 },
      { category: 'souvenirs', title: t('Şəki xanı sarayı maqniti', 'Palace of Sheki Khans magnet', 'Магнит «Дворец шекинских ханов»'), short: t('Əl ilə boyanmış keramika', 'Hand-painted ceramic', 'Керамика ручной росписи'), price: 500, made: t('keramika', 'ceramic', 'керамика'), dimensions: '7 × 5 cm', stock: 40 },
      { category: 'souvenirs', title: t('Mis armudu stəkan', 'Copper armudu glass holder', 'Медный подстаканник для армуду'), short: t('Döymə mis', 'Hammered copper', 'Чеканная медь'), price: 3500, made: t('mis', 'copper', 'медь'), dimensions: '8 cm', stock: 9 },
      { category: 'souvenirs', title: t('Naxışlı papaq', 'Embroidered cap', 'Расшитая шапочка'), short: t('Təkəlduz tikmə', 'Tekelduz embroidery', 'Вышивка текельдуз'), price: 2500, made: t('məxmər, ipək sap', 'velvet, silk thread', 'бархат, шёлковая нить'), dimensions: '56–58', stock: 5 },
      { category: 'souvenirs', title: t('Taxta açarlıq', 'Wooden key ring', 'Деревянный брелок'), short: t('Nar formasında', 'Pomegranate shaped', 'В форме граната'), price: 400, made: t('qoz ağacı', 'walnut wood', 'орех'), dimensions: '5 cm', stock: 0, state: 'draft' },
    ],
  },
  {
    email: 'kamala.gabala@demo.abad.az',
    brand: 'Qəbələ Xalçası',
    colour: '#9e2a2b',
    factory: 'GBL',
    story: t(
      'Qəbələdə anadan qızına keçən dəzgahlarda xalça və kilim toxuyuruq. Yunu özümüz əyirir, təbii boyalarla boyayırıq.',
      'In Gabala we weave carpets and kilims on looms handed down from mother to daughter. We spin the wool ourselves and dye it with natural dyes.',
      'В Габале мы ткём ковры и килимы на станках, которые переходят от матери к дочери. Шерсть прядём сами и красим натуральными красителями.',
    ),
    items: [
      { category: 'carpets', title: t('Qəbələ xalçası', 'Gabala carpet', 'Габалинский ковёр'), short: t('Klassik naxış, yun', 'Classic pattern, wool', 'Классический узор, шерсть'), price: 120000, made: t('yun, təbii boyalar', 'wool, natural dyes', 'шерсть, натуральные красители'), dimensions: '200 × 150 cm', oneOfAKind: true, stock: 1 },
      { category: 'carpets', title: t('Kilim', 'Flat-woven kilim', 'Килим'), short: t('Həndəsi naxış', 'Geometric pattern', 'Геометрический узор'), price: 35000, made: t('yun', 'wool', 'шерсть'), dimensions: '150 × 100 cm', stock: 3 },
      { category: 'carpets', title: t('Namazlıq', 'Prayer rug', 'Молитвенный коврик'), short: t('Kiçik, ipək qarışıqlı', 'Small, silk blend', 'Небольшой, с шёлком'), price: 28000, made: t('yun, ipək', 'wool, silk', 'шерсть, шёлк'), dimensions: '110 × 70 cm', stock: 2 },
      { category: 'carpets', title: t('Palaz', 'Palaz runner', 'Палас-дорожка'), short: t('Uzun dəhliz üçün', 'For a long hallway', 'Для длинного коридора'), price: 22000, made: t('yun, pambıq', 'wool, cotton', 'шерсть, хлопок'), dimensions: '300 × 80 cm', stock: 2 },
      { category: 'carpets', title: t('Cecim', 'Jejim strip weave', 'Джеджим'), short: t('Zolaqlı toxuma', 'Striped weave', 'Полосатое плетение'), price: 18000, made: t('yun', 'wool', 'шерсть'), dimensions: '180 × 120 cm', stock: 2 },
      { category: 'carpets', title: t('Xalça yastıq üzü', 'Carpet cushion cover', 'Ковровая наволочка'), short: t('Yastıq üçün toxunma üz', 'A woven cushion cover', 'Тканая наволочка'), price: 4500, made: t('yun', 'wool', 'шерсть'), dimensions: '45 × 45 cm', stock: 10 },
      { category: 'carpets', title: t('Sumax', 'Sumakh rug', 'Сумах'), short: t('Sıx toxuma, ənənəvi', 'Dense traditional weave', 'Плотное традиционное плетение'), price: 65000, made: t('yun, təbii boyalar', 'wool, natural dyes', 'шерсть, натуральные красители'), dimensions: '180 × 130 cm', oneOfAKind: true, stock: 1 },
      { category: 'carpets', title: t('Uşaq xalçası', 'Children’s rug', 'Детский коврик'), short: t('Yumşaq, şən rənglər', 'Soft, cheerful colours', 'Мягкий, яркие цвета'), price: 15000, made: t('yun', 'wool', 'шерсть'), dimensions: '120 × 80 cm', stock: 0, state: 'submitted' },
      { category: 'souvenirs', title: t('Mini xalça maqnit', 'Mini carpet magnet', 'Магнит «мини-ковёр»'), short: t('Əsl toxuma, kiçik ölçü', 'Real weave, tiny size', 'Настоящее плетение, маленький размер'), price: 800, made: t('yun', 'wool', 'шерсть'), dimensions: '8 × 5 cm', stock: 30 },
      { category: 'souvenirs', title: t('Toxunma çanta', 'Woven bag', 'Тканая сумка'), short: t('Kilim parçasından', 'Made of kilim cloth', 'Из килимной ткани'), price: 5500, made: t('yun, dəri', 'wool, leather', 'шерсть, кожа'), dimensions: '35 × 30 cm', stock: 4 },
    ],
  },
]

const CRAFT: readonly Category[] = ['carpets', 'woodwork', 'souvenirs']
/** Days since the lot was made: fresh bread today, jam ten days ago. */
const age = (item: Item) => Math.min(10, Math.floor((item.shelfLifeDays ?? 365) / 3))

function inputFor(item: Item, maker: Maker): ProductInput {
  const craft = CRAFT.includes(item.category)
  const description = t(
    `${item.title.az}: ${item.short.az.toLocaleLowerCase('az')}. ${maker.brand} brendi ilə, ailə emalatxanasında hazırlanır.`,
    `${item.title.en}: ${item.short.en.toLowerCase()}. Made in the family workshop under the ${maker.brand} brand.`,
    `${item.title.ru}: ${item.short.ru.toLowerCase()}. Сделано в семейной мастерской под брендом ${maker.brand}.`,
  )
  return {
    category: item.category,
    title: item.title,
    shortDescription: item.short,
    description,
    story: maker.story,
    variants: [{ sku: null, barcode: null, label: item.size ?? t('', '', ''), retailPrice: item.price, wholesalePrice: Math.round(item.price * 0.7) }],
    food: craft ? undefined : { ingredients: item.made, allergens: item.allergens ?? [], shelfLifeDays: item.shelfLifeDays ?? 365, storage: t('Sərin, quru yerdə saxlayın', 'Keep in a cool, dry place', 'Хранить в прохладном сухом месте') },
    craft: craft ? { materials: item.made, dimensions: item.dimensions ?? '', oneOfAKind: Boolean(item.oneOfAKind) } : undefined,
  }
}

export async function seedCatalogue() {
  if (await ProductModel.exists({})) return
  const designer = await UserModel.findOne({ email: 'designer@demo.abad.az' }).select('name').lean()
  const lead = await UserModel.findOne({ roles: 'designer', lead: true }).select('name').lean()
  const sales = await UserModel.findOne({ email: 'sales@demo.abad.az' }).select('name').lean()
  const platform = { _id: new Types.ObjectId(), name: 'ABAD' }
  const designerActor = designer ? { _id: designer._id, name: designer.name } : platform
  const leadActor = lead ? { _id: lead._id, name: lead.name } : designerActor
  const staff = sales ? { _id: sales._id, name: sales.name } : platform

  // the five households in parallel: image work (CPU) overlaps the database round trips
  await Promise.all(MAKERS.map((maker) => seedMaker(maker, { designerActor, leadActor, staff })))

  await seedOpenRequests(designerActor)
}

async function seedMaker(
  maker: Maker,
  { designerActor, leadActor, staff }: Record<'designerActor' | 'leadActor' | 'staff', { _id: Types.ObjectId; name: string }>,
) {
  const member = await UserModel.findOne({ email: maker.email }).select('name familyId').lean()
  if (!member?.familyId) return
  const family = await FamilyModel.findById(member.familyId).select('name region').lean()
  if (!family) return
  const actor = { _id: member._id, name: member.name }
  const logo = await storeImage(await productPhoto(maker.brand, maker.colour, 480), { owner: { type: 'BrandingRequest', id: String(family._id) } })
  const brand = await makeBrand({ familyId: family._id, familyName: family.name, name: maker.brand, familyActor: actor, designer: designerActor, lead: leadActor, logo })
  await BrandModel.updateOne({ _id: brand._id }, { $set: { colours: [maker.colour, '#f4ecd8'] } })

  for (const item of maker.items) {
    const state = item.state ?? 'listed'
    const photo = await storeImage(await productPhoto(item.title.en, maker.colour, 480, 'jpeg'), { owner: { type: 'Product', id: `${family._id}-${item.title.en}` } })
    const product = await makeCatalogueProduct({
      familyId: family._id,
      brandId: brand._id,
      makerName: family.name,
      region: family.region,
      input: inputFor(item, maker),
      status: state === 'listed' ? 'listed' : state === 'draft' ? 'draft' : 'submitted',
      photo,
      actor,
      staff,
      beforeListing: async (ready) => {
        if (ready.kind === 'craft') {
          await setCraftStock(String(ready._id), ready.variants[0].sku, item.stock ?? 3, staff)
          return
        }
        // what a QC-passed batch at the family's factory would have produced
        await makeLot({
          sku: ready.variants[0].sku,
          productId: ready._id,
          familyId: new Types.ObjectId(String(family._id)),
          qty: item.stock ?? 20 + (item.price % 17),
          factoryCode: maker.factory,
          lineCode: item.category.slice(0, 3).toUpperCase(),
          producedOn: new Date(Date.now() - age(item) * DAY),
          bestBefore: new Date(Date.now() + ((item.shelfLifeDays ?? 365) - age(item)) * DAY),
          unit: item.category === 'beverages' ? 'bottle' : ['jam', 'pickles'].includes(item.category) ? 'jar' : 'pack',
        })
      },
    })
    if (state === 'changes_requested') await requestProductChanges(String(product._id), 'İngiliscə təsviri bir az genişləndirin və şəkli işıqlı yerdə çəkin.', staff)
  }
}

/** Two open requests for the design queue: one nobody has taken yet, one waiting for the family's answer. */
async function seedOpenRequests(designer: { _id: Types.ObjectId; name: string }) {
  const requester = async (email: string) => {
    const user = await UserModel.findOne({ email }).select('name familyId').lean()
    if (!user?.familyId) return null
    const family = await FamilyModel.findById(user.familyId).select('name').lean()
    return family ? { user: { _id: user._id, name: user.name }, family } : null
  }
  const tea = await requester('rovshan.lankaran@demo.abad.az')
  if (tea) {
    await createBrandingRequest(
      {
        familyId: tea.family._id,
        familyName: tea.family.name,
        title: 'Lənkəran sitrus cemləri',
        brief: { story: 'Feyxoa və mandarin bağımızdan yeni cem xətti.', audience: 'Bakıdakı supermarketlər və turistlər', colours: 'narıncı, tünd yaşıl', examples: 'köhnə sovet konserv etiketləri' },
        productsText: 'feyxoa cemi, mandarin cemi',
        deadline: new Date(Date.now() + 21 * DAY),
      },
      tea.user,
    )
  }
  const carpets = await requester('kamala.gabala@demo.abad.az')
  if (carpets) {
    const request = await createBrandingRequest(
      {
        familyId: carpets.family._id,
        familyName: carpets.family.name,
        title: 'Xalça qablaşdırması',
        brief: { story: 'Xalçalarımızı hədiyyə qutusunda satmaq istəyirik.', audience: 'Turistlər, hava limanı mağazaları', colours: 'qırmızı, qızılı', examples: '' },
        productsText: 'kiçik xalçalar, yastıq üzləri',
        deadline: new Date(Date.now() + 14 * DAY),
      },
      carpets.user,
    )
    await assignDesigner(String(request._id), designer, designer)
    const mockup = await storeImage(await productPhoto('Gift box', '#9e2a2b', 480), { owner: { type: 'BrandingRequest', id: String(request._id) } })
    await addVersion(String(request._id), { brandName: 'Qəbələ Xalçası', colours: ['#9e2a2b', '#d4a373'], note: 'Qutu üçün ilk eskiz', files: [{ role: 'packaging', kind: 'image', id: mockup.id, width: mockup.width, height: mockup.height }] }, designer)
    await commentOnRequest(String(request._id), { body: 'Qutunun içində xalçanın hekayəsi olan kart da olsun.', side: 'design' }, designer)
  }
}
