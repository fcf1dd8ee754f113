-- Class-style inheritance with __index chains, super calls and class-level __tostring.
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({name = name, sound = sound}, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end
Animal.__tostring = function(a) return "Animal(" .. a.name .. ")" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
Dog.__tostring = Animal.__tostring
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:kind() return "dog, a kind of " .. Animal.kind(self) end
function Dog:fetch() return self.name .. " fetches" end
local a, d = Animal.new("cat", "meow"), Dog.new("rex")
print(a:speak(), d:speak())
print(a:kind(), d:kind())
print(d:fetch(), a.fetch)
print(tostring(a), tostring(d))
print(getmetatable(d) == Dog, getmetatable(Dog).__index == Animal, rawget(d, "speak"))
local Puppy = setmetatable({}, {__index = Dog})
Puppy.__index = Puppy
function Puppy.new(name) return setmetatable(Dog.new(name), Puppy) end
function Puppy:kind() return "puppy; " .. Dog.kind(self) end
local p = Puppy.new("bit")
print(p:kind(), p:speak(), p:fetch())
Animal.legs = 4
print(p.legs, d.legs, a.legs)
d.legs = 3
print(p.legs, d.legs)
local function isinstance(o, class)
  local mt = getmetatable(o)
  while mt do
    if mt == class then return true end
    local parent = getmetatable(mt)
    mt = parent and parent.__index
  end
  return false
end
print(isinstance(p, Animal), isinstance(p, Dog), isinstance(a, Dog), isinstance(d, Puppy))
