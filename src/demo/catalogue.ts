// The demo catalogue: names, tags, products and themes shared by the 1,000-fan seed and the scale generator.
export const REGIONS = ['Shanghai', 'Beijing', 'Guangzhou', 'Shenzhen', 'Chengdu', 'Hangzhou', 'Wuhan', 'Nanjing'];
export const SKIN = ['oily skin', 'dry skin', 'combination skin', 'sensitive skin'];
export const OPERATOR_TAGS = ['big spender', 'buyer-show star', 'price sensitive', 'night owl', 'gift buyer'];
export const NAMES = ['Lily', 'Mei', 'Yan', 'Jing', 'Xiao', 'Ling', 'Hui', 'Fang', 'Qing', 'Na', 'Ting', 'Wen', 'Yu', 'Rui', 'Lan'];
export const VERTICALS = ['Liquor', 'Jewelry', 'Beauty', 'Mother & Baby / Daily Chemicals', 'Travel', 'Apparel', 'Tech'];
/** Product name and price in cents. */
export const PRODUCTS: readonly (readonly [string, number])[] = [
  ['Hydrating essence 50ml', 32900],
  ['Silk pillowcase', 15900],
  ['Baijiu gift box', 59900],
  ['Pearl stud earrings', 29900],
  ['Sunscreen SPF50 duo', 12900],
  ['Baby wipes ×10', 5990],
  ['Cashmere scarf', 39900],
  ['Wireless earbuds', 49900],
  ['Face towels ×3', 3990],
  ['Mite remover', 26900],
  ['Winter slippers', 4990],
  ['Lip tint set', 8900],
];
export const THEMES = ['Snack Festival', 'Beauty Night', 'Home Essentials', 'Jewelry Hour', 'Travel Picks', 'Tech Tuesday', 'Member Day'];
